# ruff: noqa: S603  (starts our own dovecot)
"""A throw-away dovecot IMAP server on loopback for tests (no systemd, no root needed).

`start_dovecot(directory)` writes a config into `directory`, starts dovecot on a free port,
and returns a `Dovecot` that can deliver into the user's Maildir and stop the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

USER = "support"
PASSWORD = "secret-pass"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Dovecot:
    directory: Path
    config: Path
    port: int
    maildir: Path
    uid: int
    gid: int

    def deliver(self, raw: bytes) -> str:
        """Put one message into INBOX (Maildir new/), as an MDA would."""
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.test"
        temporary = self.maildir / "tmp" / name
        temporary.write_bytes(raw)
        os.chown(temporary, self.uid, self.gid)
        final = self.maildir / "new" / name
        temporary.rename(final)
        return name

    def stop(self) -> None:
        doveadm = shutil.which("doveadm") or "/usr/bin/doveadm"
        subprocess.run(
            [doveadm, "-c", str(self.config), "stop"],
            check=False,
            capture_output=True,
            timeout=30,
        )


def start_dovecot(directory: Path) -> Dovecot:
    binary = dovecot_binary()
    if binary is None:
        raise RuntimeError("dovecot is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o755)  # noqa: S103 (the unprivileged mail processes must enter it)
    if os.geteuid() == 0:
        login_user, internal_user, mail_user, mail_group = (
            "dovenull",
            "dovecot",
            "nobody",
            "nogroup",
        )
        import grp
        import pwd

        uid, gid = pwd.getpwnam(mail_user).pw_uid, grp.getgrnam(mail_group).gr_gid
    else:
        import grp
        import pwd

        uid, gid = os.getuid(), os.getgid()
        login_user = internal_user = mail_user = pwd.getpwuid(uid).pw_name
        mail_group = grp.getgrgid(gid).gr_name
    port = _free_port()
    (directory / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    maildir = directory / "mail" / USER
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for path in [directory / "mail", maildir, *(maildir / s for s in ("cur", "new", "tmp"))]:
        os.chown(path, uid, gid)
    (directory / "home").mkdir(exist_ok=True)
    os.chown(directory / "home", uid, gid)
    config = directory / "dovecot.conf"
    config.write_text(f"""
base_dir = {directory}/run
state_dir = {directory}/state
log_path = {directory}/dovecot.log
info_log_path = {directory}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = {directory}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={directory}/home/%u
}}
mail_location = maildir:{directory}/mail/%u
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
    # dovecot forks into the background; its output goes to the log, not to our pipes.
    subprocess.run(
        [binary, "-c", str(config)],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.05)
    else:  # pragma: no cover
        log = (directory / "dovecot.log").read_text(errors="replace")
        raise RuntimeError(f"dovecot did not start: {log[-2000:]}")
    return Dovecot(directory, config, port, maildir, uid, gid)
