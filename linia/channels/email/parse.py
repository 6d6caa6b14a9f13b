"""Turn raw bytes into a `ParsedEmail`, whatever the sender's software did to them.

Never raises on bad input: every defect (unknown charset, broken MIME, missing headers)
degrades to the best text that can be recovered, and is listed in `defects`.
"""

from __future__ import annotations

import email
import email.header
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from html import escape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import nh3

FALLBACK_CHARSETS = ("utf-8", "cp1251", "latin-1")
CHARSET_ALIASES = {
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
    "ks_c_5601-1987": "cp949",
    "x-user-defined": "cp1251",
    "win-1251": "cp1251",
    "windows-1251": "cp1251",
}


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    is_inline: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ParsedEmail:
    message_id: str
    message_id_synthesized: bool
    in_reply_to: list[str]
    references: list[str]
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    subject: str
    date: datetime | None
    text: str  # the full text body (HTML converted when there is no text part)
    html: str  # sanitized HTML, "" without an HTML part
    attachments: list[ParsedAttachment]
    headers: dict[str, str]
    is_auto_reply: bool = False
    auto_reply_reason: str = ""
    is_bounce: bool = False
    bounced_recipients: list[str] = field(default_factory=list)
    bounce_diagnostic: str = ""
    has_winmail_dat: bool = False
    defects: list[str] = field(default_factory=list)
    charsets: list[str] = field(default_factory=list)  # declared by the text parts


# --- decoding ----------------------------------------------------------------------------


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Declared charset → UTF-8 → CP1251 → Latin-1: the first that decodes cleanly wins."""
    tried: list[str] = []
    candidates = []
    if declared:
        name = declared.strip().strip('"').lower()
        candidates.append(CHARSET_ALIASES.get(name, name))
    candidates.extend(FALLBACK_CHARSETS)
    for charset in candidates:
        if charset in tried:
            continue
        tried.append(charset)
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")  # pragma: no cover (latin-1 never fails)


def decode_header_value(value: Any) -> str:
    """An RFC 2047 header as text; encoded words in unknown or wrong charsets still decode."""
    if value is None:
        return ""
    raw = str(value)
    if "=?" not in raw:
        return " ".join(raw.split())
    try:
        parts = email.header.decode_header(raw)
    except Exception:
        return " ".join(raw.split())
    out = [
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in parts
    ]
    return " ".join("".join(out).split())


def _plain_values(message: Message, name: str) -> list[str] | None:
    """The header's raw values when every one is plain ASCII without encoded words: then the
    parsed value (policy.default builds a structured object, the parse's costliest part)
    would decode to the same text. None when any needs decoding."""
    lowered = name.lower()
    values = [str(raw) for key, raw in message.raw_items() if key.lower() == lowered]
    if all(value.isascii() and "=?" not in value for value in values):
        return values
    return None


def _header(message: Message, name: str) -> str:
    plain = _plain_values(message, name)
    if plain is not None:
        return " ".join(plain[0].split()) if plain else ""
    try:
        value = message.get(name)
    except Exception:
        value = None
        for key, raw in message.raw_items() if hasattr(message, "raw_items") else []:
            if key.lower() == name.lower():
                value = raw
                break
    return decode_header_value(value) if value is not None else ""


MSGID_RE = re.compile(r"<[^<>\s]+>")


def _message_ids(value: str) -> list[str]:
    found = MSGID_RE.findall(value or "")
    if not found and value.strip() and " " not in value.strip():
        found = [f"<{value.strip().strip('<>')}>"]
    return found


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    values = _plain_values(message, name) or []
    try:
        values = values or [str(v) for v in message.get_all(name, [])]
    except Exception:
        values = [str(raw) for key, raw in message.raw_items() if key.lower() == name.lower()]
    decoded = [decode_header_value(v) for v in values]
    result = []
    for display, address in email.utils.getaddresses(decoded):
        address = address.strip().lower()
        if "@" in address:
            result.append((display.strip(), address))
    return result


# --- bodies --------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "table",
        "ul",
        "ol",
        "pre",
        "hr",
    }
    SKIP = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        if tag == "blockquote":
            self.parts.append("\n> ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:
        return re.sub(r"<[^>]+>", " ", html)
    text = "".join(extractor.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _keep_inline_images_only(tag: str, attribute: str, value: str) -> str | None:
    # Remote images are trackers (and leak that the desk read the mail): only images the
    # message carries itself (cid:) stay, to be pointed at their stored attachment.
    if tag == "img" and attribute == "src" and not value.lower().startswith("cid:"):
        return None
    return value


_IMAGE_ATTRIBUTES = {"img": {"src", "alt", "width", "height", "title"}}


def sanitize_html(html: str) -> str:
    """Safe HTML for display: no scripts, styles, forms or remote content; `<img>` only with
    a `cid:` source (see rewrite_inline_images)."""
    return nh3.clean(
        html,
        attributes={**nh3.ALLOWED_ATTRIBUTES, **_IMAGE_ATTRIBUTES},
        attribute_filter=_keep_inline_images_only,
        url_schemes=nh3.ALLOWED_URL_SCHEMES | {"cid"},
    )


_CID_SRC_RE = re.compile(r'src="cid:([^"]*)"', re.IGNORECASE)


def rewrite_inline_images(html: str, urls: dict[str, str]) -> str:
    """Point each `src="cid:…"` of sanitized HTML at `urls[content id]`; an image whose part
    was not stored (refused, missing) loses its source."""

    def replace(match: re.Match[str]) -> str:
        url = urls.get(unquote(match.group(1)).strip("<> "))
        return f'src="{escape(url)}"' if url else 'src=""'

    return _CID_SRC_RE.sub(replace, html)


def _part_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", errors="replace")
    return b""


def _part_text(part: Message) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_bytes(_part_bytes(part), charset)


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name:
        return decode_header_value(name) if "=?" in name else name
    return ""


AUTO_SUBJECT_RE = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheit"
    r"|автоответ|автоматический ответ|автоматична відповідь|автовідповідь|вне офиса|"
    r"поза офісом|відсутн|нет на месте|odpowied[źz] automatyczna|autoodpowied[źz]|"
    r"poza biurem|nieobecno[śs][ćc])",
    re.IGNORECASE,
)


def _auto_reply(message: Message, subject: str) -> str:
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header(message, "Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if _header(message, name):
            return name
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return "mailing list"
    if AUTO_SUBJECT_RE.search(subject):
        return "out-of-office subject"
    return ""


def _bounce(message: Message, from_address: str) -> tuple[bool, list[str], str]:
    ctype = message.get_content_type()
    report_type = str(message.get_param("report-type", "") or "").lower()
    is_dsn = ctype == "multipart/report" and report_type == "delivery-status"
    if not is_dsn and not (
        from_address.startswith(("mailer-daemon@", "postmaster@")) and ctype.startswith("multipart")
    ):
        return False, [], ""
    recipients: list[str] = []
    diagnostic = ""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        text = "\n".join(str(p) for p in payload) if isinstance(payload, list) else _part_text(part)
        for line in text.splitlines():
            key, _sep, value = line.partition(":")
            key = key.strip().lower()
            if key in {"final-recipient", "original-recipient"}:
                address = value.split(";")[-1].strip().strip("<>").lower()
                if "@" in address and address not in recipients:
                    recipients.append(address)
            elif key == "diagnostic-code" and not diagnostic:
                diagnostic = value.strip()[:500]
            elif key == "action" and value.strip().lower() in {"delayed", "relayed", "delivered"}:
                return False, [], ""
    return True, recipients, diagnostic


def synthesize_message_id(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@synthesized.linia>"


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse `raw`; always returns (defects are noted, not raised)."""
    message: Message = email.message_from_bytes(raw, policy=policy.default)
    defects = [type(defect).__name__ for defect in getattr(message, "defects", []) or []]

    subject = _header(message, "Subject")
    ids = _message_ids(_header(message, "Message-ID"))
    synthesized = not ids
    message_id = ids[0] if ids else synthesize_message_id(raw)
    senders = (
        _addresses(message, "From")
        or _addresses(message, "Sender")
        or _addresses(message, "Return-Path")
    )
    from_name, from_address = senders[0] if senders else ("", "")
    date = None
    try:
        date_value = _header(message, "Date")
        date = email.utils.parsedate_to_datetime(date_value) if date_value else None
        if date is not None and date.tzinfo is None:
            date = None
    except Exception:
        defects.append("bad Date")

    text_parts: list[str] = []
    html_parts: list[str] = []
    charsets: list[str] = []
    attachments: list[ParsedAttachment] = []
    has_winmail = False
    try:
        parts = list(message.walk())
    except Exception:
        parts = [message]
        defects.append("unwalkable MIME")
    for part in parts:
        try:
            ctype = part.get_content_type()
        except Exception:
            ctype = "application/octet-stream"
        if part.is_multipart():
            continue
        if ctype.startswith("multipart/"):
            # Broken MIME (no boundary): the parser left the body as text; show it.
            text_parts.append(_part_text(part))
            defects.append("multipart without parts")
            continue
        if ctype in {"message/delivery-status", "message/rfc822-headers"}:
            continue
        try:
            disposition = (part.get_content_disposition() or "").lower()
        except Exception:
            disposition = ""
        name = _filename(part)
        if ctype in {"text/plain", "text/html"} and disposition != "attachment" and not name:
            (text_parts if ctype == "text/plain" else html_parts).append(_part_text(part))
            try:
                charset = part.get_content_charset()
            except Exception:
                charset = None
            if charset:
                charsets.append(charset.lower())
            continue
        data = _part_bytes(part)
        if not name:
            extension = {"text/plain": "txt", "text/html": "html", "message/rfc822": "eml"}.get(
                ctype, ctype.split("/")[-1][:10] or "bin"
            )
            name = f"attachment.{extension}"
        if name.lower() == "winmail.dat" or ctype == "application/ms-tnef":
            has_winmail = True
        content_id = str(part.get("Content-ID", "") or "").strip("<> ")
        attachments.append(
            ParsedAttachment(
                filename=name,
                content_type=ctype,
                data=data,
                content_id=content_id,
                is_inline=disposition == "inline"
                or bool(content_id and disposition != "attachment"),
            )
        )
    html = sanitize_html("\n".join(html_parts)) if html_parts else ""
    text = "\n\n".join(t.strip("\n") for t in text_parts if t.strip())
    if not text and html_parts:
        text = html_to_text("\n".join(html_parts))
    text = text.replace("\r\n", "\n").replace("\x00", "")

    auto_reason = _auto_reply(message, subject)
    is_bounce, bounced, diagnostic = _bounce(message, from_address)
    headers = {}
    for key in (
        "From",
        "To",
        "Cc",
        "Subject",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
        "Reply-To",
        "Auto-Submitted",
        "X-Linia-Ticket",
        "Content-Language",
    ):
        value = _header(message, key)
        if value:
            headers[key] = value
    return ParsedEmail(
        message_id=message_id[:500],
        message_id_synthesized=synthesized,
        in_reply_to=_message_ids(_header(message, "In-Reply-To")),
        references=_message_ids(_header(message, "References")),
        from_address=from_address,
        from_name=from_name,
        to=[a for _n, a in _addresses(message, "To")],
        cc=[a for _n, a in _addresses(message, "Cc")],
        subject=subject,
        date=date,
        text=text,
        html=html,
        attachments=attachments,
        headers=headers,
        is_auto_reply=bool(auto_reason) and not is_bounce,
        auto_reply_reason=auto_reason,
        is_bounce=is_bounce,
        bounced_recipients=bounced,
        bounce_diagnostic=diagnostic,
        has_winmail_dat=has_winmail,
        defects=defects,
        charsets=charsets,
    )


# --- quoted history and signatures ----------------------------------------------------------

QUOTE_HEADER_PATTERNS = [
    r"^-{2,}\s*Original Message\s*-{2,}",
    (
        r"^-{2,}\s*(Исходное сообщение|Пересылаемое сообщение|Вихідне повідомлення|"
        r"Oryginalna wiadomość|Wiadomość oryginalna)\s*-{2,}"
    ),
    r"^_{10,}\s*$",  # Outlook's rule before "From: … Sent: …"
    r"^(From|От|Від|Od|Von)\s*:\s.+",  # Outlook header block (checked with Sent/Date below)
    r"^On .{5,200} wrote:\s*$",  # Gmail, Thunderbird, Apple Mail
    r"^Am .{5,200} schrieb .{0,200}:\s*$",
    (
        r".{3,200}\s(пишет|писал\(а\)|написал\(а\)|написал|писал|пише|написав\(ла\)|написав|"
        r"написала)\s*:\s*$"
    ),  # Yandex, Mail.ru, Ukrainian clients
    r"^(W dniu|Dnia) .{3,200}(napisał\(a\)|napisał|napisała|pisze)\s*:\s*$",  # Polish
    # Yandex: "23.11.2026, 10:00, "Linia" <support@…>:"; Mail.ru: "…, 10:00 +02:00 от X <a@b>:"
    r"^\d{1,2}\.\d{1,2}\.\d{2,4},?\s+\d{1,2}:\d{2}.{0,200}<[^<>\s]+@[^<>\s]+>\s*:\s*$",
    r"^.{0,120}\s(от|від)\s.{0,200}<[^<>\s]+@[^<>\s]+>\s*:\s*$",
    # Gmail in Russian/Ukrainian: "пн, 23 нояб. 2026 г. в 09:00, Linia <support@…>:"
    r"^.{0,150}\d{1,2}:\d{2}.{0,150}<[^<>\s]+@[^<>\s]+>\s*:\s*$",
    r".{3,200}\s(napisał\(a\)|napisał|napisała)\s*:\s*$",
]
_QUOTE_RES = [re.compile(p, re.IGNORECASE) for p in QUOTE_HEADER_PATTERNS]
_OUTLOOK_NEXT = re.compile(
    r"^(Sent|Date|Отправлено|Дата|Надіслано|Wysłano|Data|Gesendet|To|Кому|Komu)\s*:",
    re.IGNORECASE,
)


def split_reply(text: str) -> tuple[str, str]:
    """(visible reply, folded quoted history and signature)."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped == "--" and line.rstrip("\n") in {"-- ", "--"}:
            cut = index
            break
        matched = False
        for number, pattern in enumerate(_QUOTE_RES):
            if pattern.match(stripped):
                if number == 3:  # "From:" alone is not enough: Outlook follows it with Sent/To
                    following = [x.strip() for x in lines[index + 1 : index + 4]]
                    matched = any(_OUTLOOK_NEXT.match(x) for x in following)
                else:
                    matched = True
                break
        if matched:
            cut = index
            break
        # A two-line Gmail header: "On Mon, … at 10:00 John <j@x>" + "wrote:".
        if (
            index + 1 < len(lines)
            and re.match(r"^(On|W dniu|Dnia) ", stripped)
            and re.match(
                r"^.{0,80}(wrote|napisał\(a\)|napisał|napisała)\s*:\s*$", lines[index + 1].strip()
            )
        ):
            cut = index
            break
        if stripped.startswith(">") and all(
            (not x.strip()) or x.lstrip().startswith(">") for x in lines[index:]
        ):
            cut = index
            break
    visible = "\n".join(lines[:cut]).strip()
    folded = "\n".join(lines[cut:]).strip()
    if not visible:  # everything looked quoted: better show it all than nothing
        return text.strip(), ""
    return visible, folded
