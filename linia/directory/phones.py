"""Phone numbers: every stored number is E.164, so a caller's number finds its contact."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from linia.core.errors import Invalid


def default_region() -> str | None:
    """The region assumed for numbers written without a country code
    (`LINIA_PHONE_REGION`, e.g. "UA"; none by default: numbers must start with +)."""
    return settings.LINIA_PHONE_REGION or None


def normalize_phone(raw: str, *, region: str | None = None) -> str:
    """`raw` as E.164 (+380441234567). Raises Invalid for something that is not a number."""
    text = (raw or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region or default_region())
    except phonenumbers.NumberParseException as error:
        raise Invalid(
            _("Not a phone number: %(number)s") % {"number": raw}, code="invalid_phone"
        ) from error
    if not phonenumbers.is_possible_number(number):
        raise Invalid(_("Not a phone number: %(number)s") % {"number": raw}, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str) -> str | None:
    try:
        return normalize_phone(raw)
    except Invalid:
        return None


def format_phone(e164: str) -> str:
    """An E.164 number for people: +380 44 123 4567."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
