import os
import stat

import pytest
from django.test import override_settings

from linia.core import crypto

KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()


def test_round_trip_and_the_ciphertext_hides_the_plaintext():
    with override_settings(LINIA_ENCRYPTION_KEYS=[KEY_A]):
        token = crypto.encrypt("hunter2-secret", purpose="test")
        assert b"hunter2" not in token
        assert crypto.decrypt(token, purpose="test") == "hunter2-secret"
        assert crypto.key_id_of_token(token) == crypto.keyring().current.hex_id


def test_each_encryption_uses_a_new_nonce():
    with override_settings(LINIA_ENCRYPTION_KEYS=[KEY_A]):
        assert crypto.encrypt("same", purpose="test") != crypto.encrypt("same", purpose="test")


def test_a_tampered_token_or_another_purpose_fails_authentication():
    with override_settings(LINIA_ENCRYPTION_KEYS=[KEY_A]):
        token = bytearray(crypto.encrypt("secret", purpose="test"))
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(bytes(token), purpose="other")
        token[-1] ^= 1
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(bytes(token), purpose="test")


def test_an_old_key_still_decrypts_after_a_new_one_is_put_first():
    with override_settings(LINIA_ENCRYPTION_KEYS=[KEY_A]):
        old = crypto.encrypt("secret", purpose="test")
    with override_settings(LINIA_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}"):
        assert crypto.decrypt(old, purpose="test") == "secret"
        assert crypto.needs_rotation(old) is True
        new = crypto.rotate(old, purpose="test")
        assert crypto.needs_rotation(new) is False
    with override_settings(LINIA_ENCRYPTION_KEYS=[KEY_B]):
        assert crypto.decrypt(new, purpose="test") == "secret"
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(old, purpose="test")


def test_a_malformed_key_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with (
        override_settings(LINIA_ENCRYPTION_KEYS=["not-a-key"]),
        pytest.raises(ImproperlyConfigured),
    ):
        crypto.keyring()


def test_the_embedded_mode_generates_a_private_key_file(tmp_path, monkeypatch):
    monkeypatch.delenv("LINIA_ENCRYPTION_KEYS", raising=False)
    with override_settings(LINIA_ENCRYPTION_KEYS=None, VAR_DIR=tmp_path):
        token = crypto.encrypt("secret", purpose="test")
        path = tmp_path / crypto.KEY_FILE_NAME
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        first_key = path.read_text()
        assert crypto.decrypt(token, purpose="test") == "secret"
        assert path.read_text() == first_key
