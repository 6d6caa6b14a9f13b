"""Build the corpus of real-world-like messages under corpus/ with expected.json.

Run `python -m linia.channels.email.tests.build_corpus` after changing a case. Placeholders
filled in by the test: TICKETNO (an open ticket of anna@example.test in Acme), SENTID (the
Message-ID of a notification Linia sent about it).
"""

from __future__ import annotations

import base64
import json
import quopri
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
ANNA = "Anna Petrenko <anna@example.test>"
TO = "Support <support@linia.localhost>"
CASES: dict[str, dict[str, object]] = {}
FILES: dict[str, bytes] = {}
_counter = [0]


def _id() -> str:
    _counter[0] += 1
    return f"<corpus-{_counter[0]}@mail.example.test>"


def header_block(headers: list[tuple[str, str]]) -> bytes:
    return b"".join(f"{k}: {v}\r\n".encode() for k, v in headers)


def mail(
    name: str,
    body: bytes,
    *,
    expect: dict[str, object],
    subject: str = "Printer on floor 3 is jammed",
    sender: str = ANNA,
    ctype: str = "text/plain; charset=utf-8",
    cte: str = "8bit",
    extra: list[tuple[str, str]] | None = None,
    message_id: str | None = "auto",
    raw_headers: bytes = b"",
) -> None:
    headers: list[tuple[str, str]] = []
    if sender:
        headers.append(("From", sender))
    headers += [("To", TO), ("Subject", subject), ("Date", "Mon, 23 Nov 2026 10:00:00 +0200")]
    if message_id == "auto":
        headers.append(("Message-ID", _id()))
    elif message_id:
        headers.append(("Message-ID", message_id))
    headers += [("MIME-Version", "1.0"), ("Content-Type", ctype)]
    if cte:
        headers.append(("Content-Transfer-Encoding", cte))
    headers += extra or []
    FILES[f"{name}.eml"] = header_block(headers) + raw_headers + b"\r\n" + body
    CASES[f"{name}.eml"] = expect


def multipart(parts: list[bytes], boundary: str = "b1") -> bytes:
    out = b"This is a multi-part message in MIME format.\r\n"
    for part in parts:
        out += f"--{boundary}\r\n".encode() + part + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def part(ctype: str, body: bytes, *, cte: str = "8bit", extra: str = "") -> bytes:
    head = f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}\r\n{extra}"
    return head.encode() + b"\r\n" + body


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def build() -> None:
    created = {"outcome": "created"}
    # --- charsets ---------------------------------------------------------------------------
    text_ru = "Принтер на третьем этаже зажевал бумагу."
    text_uk = "Принтер на третьому поверсі зіжував папір. Ґанок, їжак, є."
    text_pl = "Drukarka na trzecim piętrze zacięła papier. Zażółć gęślą jaźń."
    mail(
        "charset_koi8r",
        text_ru.encode("koi8-r"),
        ctype="text/plain; charset=koi8-r",
        subject="=?koi8-r?B?" + base64.b64encode("Принтер".encode("koi8-r")).decode() + "?=",
        expect={**created, "subject": "Принтер", "contains": [text_ru]},
    )
    mail(
        "charset_koi8u",
        text_uk.encode("koi8-u"),
        ctype="text/plain; charset=koi8-u",
        expect={**created, "contains": [text_uk]},
    )
    mail(
        "charset_cp1251",
        text_ru.encode("cp1251"),
        ctype="text/plain; charset=windows-1251",
        subject="=?windows-1251?Q?"
        + "".join(f"={b:02X}" for b in "Принтер не печатает".encode("cp1251"))
        + "?=",
        expect={**created, "subject": "Принтер не печатает", "contains": [text_ru]},
    )
    mail(
        "charset_cp1251_uk",
        text_uk.encode("cp1251"),
        ctype="text/plain; charset=cp1251",
        expect={**created, "contains": [text_uk]},
    )
    mail(
        "charset_iso8859_2",
        text_pl.encode("iso-8859-2"),
        ctype="text/plain; charset=iso-8859-2",
        subject="=?iso-8859-2?Q?Drukarka_zaci=EA=B3a_papier?=",
        expect={**created, "subject": "Drukarka zacięła papier", "contains": [text_pl]},
    )
    mail(
        "charset_cp1250",
        text_pl.encode("cp1250"),
        ctype="text/plain; charset=windows-1250",
        expect={**created, "contains": [text_pl]},
    )
    mail(
        "charset_utf8_base64",
        b64(text_uk.encode()),
        cte="base64",
        expect={**created, "contains": [text_uk]},
    )
    mail(
        "charset_utf8_qp",
        quopri.encodestring(text_pl.encode()),
        cte="quoted-printable",
        expect={**created, "contains": [text_pl]},
    )
    mail(
        "mislabeled_ascii_is_utf8",
        text_ru.encode(),
        ctype="text/plain; charset=us-ascii",
        expect={**created, "contains": [text_ru]},
    )
    mail(
        "mislabeled_utf8_is_cp1251",
        text_ru.encode("cp1251"),
        ctype="text/plain; charset=utf-8",
        expect={**created, "contains": [text_ru]},
    )
    mail(
        "unknown_charset",
        text_uk.encode(),
        ctype="text/plain; charset=x-unknown-foo",
        expect={**created, "contains": [text_uk]},
    )
    mail(
        "no_charset_8bit_utf8",
        text_pl.encode(),
        ctype="text/plain",
        expect={**created, "contains": [text_pl]},
    )
    mail(
        "raw_utf8_subject",
        text_ru.encode(),
        subject="Не работает почта",
        expect={**created, "subject": "Не работает почта"},
    )
    mail(
        "encoded_word_unknown_charset",
        b"Body.",
        subject="=?x-bogus?B?" + base64.b64encode("Тест".encode()).decode() + "?=",
        expect={**created, "contains": ["Body."]},
    )
    mail(
        "encoded_word_broken_base64",
        b"Body two.",
        subject="=?utf-8?B?0J_RgNC4?= broken =?utf-8?B?###?=",
        expect={**created, "contains": ["Body two."]},
    )
    mail(
        "sender_name_encoded",
        b"Hello",
        sender="=?utf-8?B?"
        + base64.b64encode("Анна Петренко".encode()).decode()
        + "?= <anna@example.test>",
        expect={**created, "contains": ["Hello"]},
    )
    mail(
        "utf16_body",
        "Звіт у UTF-16".encode("utf-16"),
        ctype="text/plain; charset=utf-16",
        expect={**created, "contains": ["Звіт у UTF-16"]},
    )
    mail(
        "crlf_lf_mixed",
        b"line one\nline two\r\nline three\r\n",
        expect={**created, "contains": ["line one\nline two\nline three"]},
    )
    # --- structure ------------------------------------------------------------------------------
    html = "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Monitor <b>flickers</b> after the update.</p><p>Second&nbsp;paragraph</p></body></html>"
    mail(
        "html_only",
        html.encode(),
        ctype="text/html; charset=utf-8",
        expect={
            **created,
            "contains": ["Monitor flickers after the update.", "Second paragraph"],
            "absent": ["alert(1)", "color:red"],
        },
    )
    mail(
        "html_only_cp1251",
        f"<div>{text_ru}</div>".encode("cp1251"),
        ctype="text/html; charset=windows-1251",
        expect={**created, "contains": [text_ru]},
    )
    mail(
        "alternative",
        multipart(
            [
                part("text/plain; charset=utf-8", b"Plain version of the request."),
                part("text/html; charset=utf-8", b"<p>HTML version of the request.</p>"),
            ]
        ),
        ctype='multipart/alternative; boundary="b1"',
        cte="",
        expect={
            **created,
            "contains": ["Plain version of the request."],
            "absent": ["HTML version"],
        },
    )
    pdf = b"%PDF-1.4 fake pdf " * 20
    mail(
        "rfc2231_filename",
        multipart(
            [
                part("text/plain; charset=utf-8", b"See the attached scan."),
                part(
                    "application/pdf",
                    b64(pdf),
                    cte="base64",
                    extra="Content-Disposition: attachment; filename*=utf-8''%D0%A1%D0%BA%D0%B0%D0%BD%20%E2%84%961.pdf\r\n",
                ),
            ]
        ),
        ctype='multipart/mixed; boundary="b1"',
        cte="",
        expect={**created, "attachments": ["Скан №1.pdf"]},
    )
    mail(
        "rfc2231_continuation",
        multipart(
            [
                part("text/plain; charset=utf-8", b"Two files."),
                part(
                    "application/pdf",
                    b64(pdf),
                    cte="base64",
                    extra="Content-Disposition: attachment;\r\n filename*0*=utf-8''%D0%94%D0%BE%D0%B3%D0%BE%D0%B2%D1%96%D1%80;\r\n filename*1*=%20%D0%B7%D0%B2%D1%96%D1%82.pdf\r\n",
                ),
            ]
        ),
        ctype='multipart/mixed; boundary="b1"',
        cte="",
        expect={**created, "attachments": ["Договір звіт.pdf"]},
    )
    mail(
        "rfc2047_filename",
        multipart(
            [
                part("text/plain; charset=utf-8", b"Invoice attached."),
                part(
                    'application/pdf; name="=?utf-8?B?'
                    + base64.b64encode("Faktura zażółć.pdf".encode()).decode()
                    + '?="',
                    b64(pdf),
                    cte="base64",
                    extra='Content-Disposition: attachment; filename="=?utf-8?B?'
                    + base64.b64encode("Faktura zażółć.pdf".encode()).decode()
                    + '?="\r\n',
                ),
            ]
        ),
        ctype='multipart/mixed; boundary="b1"',
        cte="",
        expect={**created, "attachments": ["Faktura zażółć.pdf"]},
    )
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    mail(
        "inline_image",
        multipart(
            [
                part("text/html; charset=utf-8", b'<p>Error screen:</p><img src="cid:img1@x">'),
                part(
                    "image/png",
                    b64(png),
                    cte="base64",
                    extra="Content-ID: <img1@x>\r\nContent-Disposition: inline\r\n",
                ),
            ]
        ),
        ctype='multipart/related; boundary="b1"',
        cte="",
        expect={**created, "contains": ["Error screen:"], "attachments": ["attachment.png"]},
    )
    mail(
        "winmail_dat",
        multipart(
            [
                part("text/plain; charset=utf-8", b"Outlook sent this."),
                part(
                    "application/ms-tnef",
                    b64(b"\x78\x9f\x3e\x22" + b"tnef" * 50),
                    cte="base64",
                    extra='Content-Disposition: attachment; filename="winmail.dat"\r\n',
                ),
            ]
        ),
        ctype='multipart/mixed; boundary="b1"',
        cte="",
        expect={**created, "contains": ["winmail.dat"], "attachments": ["winmail.dat"]},
    )
    big = b"A" * 150_000  # the test sets the attachment limit to 100 000 bytes
    mail(
        "huge_attachment",
        multipart(
            [
                part("text/plain; charset=utf-8", b"The log is attached."),
                part(
                    "application/octet-stream",
                    b64(big),
                    cte="base64",
                    extra='Content-Disposition: attachment; filename="huge.log"\r\n',
                ),
                part(
                    "text/plain; charset=utf-8",
                    b"small file",
                    extra='Content-Disposition: attachment; filename="small.txt"\r\n',
                ),
            ]
        ),
        ctype='multipart/mixed; boundary="b1"',
        cte="",
        expect={
            **created,
            "contains": ["The log is attached.", "“huge.log”", "was refused"],
            "attachments": ["small.txt"],
        },
    )
    mail(
        "blocked_extension",
        multipart(
            [
                part("text/plain; charset=utf-8", b"Run this please."),
                part(
                    "application/octet-stream",
                    b64(b"MZ" + b"\x00" * 100),
                    cte="base64",
                    extra='Content-Disposition: attachment; filename="setup.exe"\r\n',
                ),
            ]
        ),
        ctype='multipart/mixed; boundary="b1"',
        cte="",
        expect={**created, "contains": ["“setup.exe” was refused"], "attachments": []},
    )
    mail(
        "forwarded_rfc822",
        multipart(
            [
                part("text/plain; charset=utf-8", b"Forwarding the supplier's letter."),
                part(
                    "message/rfc822",
                    b"From: a@b.test\r\nSubject: inner\r\n\r\ninner body\r\n",
                    cte="7bit",
                ),
            ]
        ),
        ctype='multipart/mixed; boundary="b1"',
        cte="",
        expect={**created, "contains": ["Forwarding the supplier's letter."]},
    )
    mail(
        "missing_message_id",
        b"No Message-ID header here.",
        message_id=None,
        expect={**created, "contains": ["No Message-ID header here."]},
    )
    mail(
        "message_id_without_brackets",
        b"Bare id.",
        message_id="bare-id-123@host.test",
        expect={**created, "contains": ["Bare id."]},
    )
    mail(
        "broken_mime_no_boundary",
        b"--zzz\r\nContent-Type: text/plain\r\n\r\nlost boundary text\r\n--zzz--\r\n",
        ctype="multipart/mixed",
        cte="",
        expect={**created, "contains": ["lost boundary text"]},
    )
    mail(
        "broken_mime_unclosed",
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUnclosed multipart body\r\n",
        ctype='multipart/mixed; boundary="b1"',
        cte="",
        expect={**created, "contains": ["Unclosed multipart body"]},
    )
    mail("broken_base64", b"0J_RgNC4\xd0\xb2\xd0=====!!!", cte="base64", expect={**created})
    mail(
        "broken_qp",
        b"caf=C3=A9 =ZZ bad =\r\nsoft",
        cte="quoted-printable",
        expect={**created, "contains": ["café"]},
    )
    mail("empty_multipart", b"", ctype='multipart/mixed; boundary="b1"', cte="", expect={**created})
    mail("empty_body", b"", expect={**created})
    mail(
        "empty_subject",
        b"Body without a subject.",
        subject="",
        expect={**created, "subject": "(no subject)"},
    )
    mail("long_subject", b"Long.", subject="Very long subject " * 30, expect={**created})
    mail("nul_bytes", b"Null\x00byte\x00body", expect={**created, "contains": ["Nullbytebody"]})
    mail(
        "garbage_headers",
        b"Body after garbage.",
        raw_headers=b"X-Junk \xff\xfe no colon\r\nX-Bad: \xc3\x28\r\n",
        expect={**created},
    )
    mail(
        "no_from",
        b"Who sent this?",
        sender="",
        expect={"outcome": "quarantined", "reason": "no sender address"},
    )
    mail(
        "duplicate_bad_date",
        b"Two Date headers, one broken.",
        extra=[("Date", "not a date at all")],
        expect={**created, "contains": ["Two Date headers, one broken."]},
    )
    mail(
        "unknown_sender",
        b"I am not in your directory.",
        sender="Stranger <stranger@elsewhere.test>",
        expect={**created, "organization": "Unsorted"},
    )
    # --- quoting: replies to the ticket -------------------------------------------------------
    reply = {"outcome": "appended"}
    subject = "RE: [#TICKETNO] Printer on floor 3 is jammed"
    quotes = {
        "quote_outlook_en": "It works now, thanks.\r\n\r\n________________________________\r\nFrom: Linia <support@linia.localhost>\r\nSent: Monday, November 23, 2026 9:00 AM\r\nTo: Anna\r\nSubject: [#TICKETNO] ...\r\n\r\nOLD QUOTED TEXT",
        "quote_outlook_noline": "It works now, thanks.\r\n\r\nFrom: Linia <support@linia.localhost>\r\nSent: Monday, November 23, 2026 9:00 AM\r\nTo: Anna\r\n\r\nOLD QUOTED TEXT",
        "quote_outlook_ru": "Спасибо, заработало.\r\n\r\nОт: Linia <support@linia.localhost>\r\nОтправлено: 23 ноября 2026 г. 9:00\r\nКому: Анна\r\nТема: [#TICKETNO]\r\n\r\nOLD QUOTED TEXT",
        "quote_outlook_uk": "Дякую, працює.\r\n\r\nВід: Linia <support@linia.localhost>\r\nНадіслано: 23 листопада 2026 р. 9:00\r\nКому: Анна\r\n\r\nOLD QUOTED TEXT",
        "quote_outlook_pl": "Dziękuję, działa.\r\n\r\nOd: Linia <support@linia.localhost>\r\nWysłano: poniedziałek, 23 listopada 2026 09:00\r\nDo: Anna\r\n\r\nOLD QUOTED TEXT",
        "quote_original_message": "Fixed on my side.\r\n\r\n-----Original Message-----\r\nFrom: Linia\r\nOLD QUOTED TEXT",
        "quote_original_message_pl": "Naprawione.\r\n\r\n-----Wiadomość oryginalna-----\r\nOd: Linia\r\nOLD QUOTED TEXT",
        "quote_original_message_ru": "Исправлено.\r\n\r\n-------- Исходное сообщение --------\r\nOLD QUOTED TEXT",
        "quote_gmail_en": "Works now.\r\n\r\nOn Mon, Nov 23, 2026 at 9:00 AM Linia <support@linia.localhost> wrote:\r\n> OLD QUOTED TEXT\r\n",
        "quote_gmail_two_lines": "Works now.\r\n\r\nOn Mon, Nov 23, 2026 at 9:00 AM Linia Service Desk <support@linia.localhost>\r\nwrote:\r\n> OLD QUOTED TEXT\r\n",
        "quote_gmail_ru": "Работает.\r\n\r\nпн, 23 нояб. 2026 г. в 09:00, Linia <support@linia.localhost>:\r\n> OLD QUOTED TEXT\r\n",
        "quote_gmail_pl": "Działa.\r\n\r\nW dniu pon., 23 lis 2026 o 09:00 Linia <support@linia.localhost> napisał(a):\r\n> OLD QUOTED TEXT\r\n",
        "quote_gmail_uk": "Працює.\r\n\r\nпн, 23 лист. 2026 р. о 09:00 Linia <support@linia.localhost> пише:\r\n> OLD QUOTED TEXT\r\n",
        "quote_thunderbird_en": "Confirmed.\r\n\r\nOn 23.11.2026 09:00, Linia wrote:\r\n> OLD QUOTED TEXT\r\n",
        "quote_thunderbird_ru": "Подтверждаю.\r\n\r\n23.11.2026 09:00, Linia пишет:\r\n> OLD QUOTED TEXT\r\n",
        "quote_apple_mail": "Thanks!\r\n\r\n> On 23 Nov 2026, at 09:00, Linia <support@linia.localhost> wrote:\r\n> \r\n> OLD QUOTED TEXT\r\n",
        "quote_yandex": 'Спасибо!\r\n\r\n23.11.2026, 09:00, "Linia" <support@linia.localhost>:\r\n> OLD QUOTED TEXT\r\n',
        "quote_mailru": "Спасибо!\r\n\r\nПонедельник, 23 ноября 2026, 9:00 +02:00 от Linia <support@linia.localhost>:\r\n> OLD QUOTED TEXT\r\n",
        "quote_ukrnet": 'Дякую!\r\n\r\n23 листопада 2026, 09:00:00, від "Linia" <support@linia.localhost>:\r\n> OLD QUOTED TEXT\r\n',
        "quote_polish_onet": "Dzięki.\r\n\r\nDnia 23 listopada 2026 09:00 Linia <support@linia.localhost> napisał(a):\r\n> OLD QUOTED TEXT\r\n",
        "quote_gt_only": "My answer.\r\n> OLD QUOTED TEXT\r\n> more old\r\n",
        "quote_signature": "My answer with a signature.\r\n-- \r\nAnna Petrenko\r\nOLD QUOTED TEXT (signature)\r\n",
        "quote_interleaved": "> Did you restart it?\r\nYes, twice.\r\n> And now?\r\nStill broken.\r\n",
    }
    for name, text in quotes.items():
        visible = text.split("\r\n")[0]
        expect: dict[str, object] = {
            **reply,
            "contains": [visible],
            "absent": ["OLD QUOTED TEXT"],
            "visible": visible,
        }
        if name == "quote_interleaved":
            expect = {**reply, "contains": ["Yes, twice.", "Still broken."]}
        if name == "quote_apple_mail":
            expect = {
                **reply,
                "contains": ["Thanks!"],
                "absent": ["OLD QUOTED TEXT"],
                "visible": "Thanks!",
            }
        mail(name, text.encode(), subject=subject, expect=expect)
    mail(
        "quote_html_gmail",
        b'<div>HTML reply text</div><div class="gmail_quote"><div>On Mon, Nov 23, 2026 at 9:00 AM Linia &lt;support@linia.localhost&gt; wrote:</div><blockquote>OLD QUOTED TEXT</blockquote></div>',
        ctype="text/html; charset=utf-8",
        subject=subject,
        expect={**reply, "contains": ["HTML reply text"], "absent": ["OLD QUOTED TEXT"]},
    )
    # --- threading -------------------------------------------------------------------------------
    mail(
        "thread_in_reply_to_root",
        b"Threaded by the root id.",
        subject="Re: something else",
        extra=[("In-Reply-To", "<ticket-TICKETNO@linia.localhost>")],
        expect={**reply, "contains": ["Threaded by the root id."]},
    )
    mail(
        "thread_references_sent",
        b"Threaded by a sent notification.",
        subject="Re: no tag",
        extra=[("References", "<unrelated@x.test> SENTID")],
        expect={**reply, "contains": ["Threaded by a sent notification."]},
    )
    mail(
        "thread_subject_text_only",
        b"Same subject but no tag.",
        subject="Printer on floor 3 is jammed",
        expect={**created},
    )
    mail(
        "thread_unknown_reference",
        b"Unknown refs.",
        subject="Re: hello",
        extra=[("In-Reply-To", "<nobody-knows@x.test>")],
        expect={**created},
    )
    # --- tenancy -----------------------------------------------------------------------------------
    mail(
        "tenancy_other_organization",
        b"I am from Globex.",
        sender="Bob <bob@example.test>",
        subject=subject,
        expect={**created, "organization": "Globex", "untouched": True},
    )
    mail(
        "tenancy_colleague",
        b"I am Anna's colleague.",
        sender="Boris <boris@example.test>",
        subject=subject,
        expect={**created, "organization": "Acme", "untouched": True},
    )
    mail(
        "tenancy_client_manager",
        b"As the client manager.",
        sender="CM <cm_a@example.test>",
        subject=subject,
        expect={**reply, "contains": ["As the client manager."]},
    )
    mail(
        "tenancy_unknown_sender_tag",
        b"Stranger with a tag.",
        sender="x@stranger.test",
        subject=subject,
        expect={**created, "organization": "Unsorted", "untouched": True},
    )
    # --- loops and noise -------------------------------------------------------------------------
    mail(
        "auto_submitted_reply",
        b"I am away until Monday.",
        subject="Automatic reply: [#TICKETNO] Printer",
        extra=[("Auto-Submitted", "auto-replied")],
        expect={**reply, "internal": True, "status_unchanged": True},
    )
    mail(
        "ooo_en",
        b"Away.",
        subject="Out of Office: Printer",
        expect={"outcome": "ignored", "reason": "auto-reply"},
    )
    mail(
        "ooo_ru",
        "Меня нет.".encode(),
        subject="Автоответ: Принтер",
        expect={"outcome": "ignored", "reason": "auto-reply"},
    )
    mail(
        "ooo_uk",
        "Мене немає.".encode(),
        subject="Автовідповідь: Принтер",
        expect={"outcome": "ignored", "reason": "auto-reply"},
    )
    mail(
        "ooo_pl",
        b"Nie ma mnie.",
        subject="Odpowiedź automatyczna: Drukarka",
        expect={"outcome": "ignored", "reason": "auto-reply"},
    )
    mail(
        "precedence_bulk",
        b"Newsletter.",
        subject="News",
        extra=[("Precedence", "bulk")],
        expect={"outcome": "ignored", "reason": "auto-reply"},
    )
    mail(
        "x_autoreply",
        b"Auto.",
        subject="Hello",
        extra=[("X-Autoreply", "yes")],
        expect={"outcome": "ignored", "reason": "auto-reply"},
    )
    mail(
        "x_auto_response_suppress",
        b"Auto.",
        subject="Hello",
        extra=[("X-Auto-Response-Suppress", "All")],
        expect={"outcome": "ignored", "reason": "auto-reply"},
    )
    mail(
        "auto_submitted_no",
        b"A human wrote this.",
        subject="Human",
        extra=[("Auto-Submitted", "no")],
        expect={**created},
    )
    dsn = multipart(
        [
            part(
                "text/plain; charset=us-ascii",
                b"Delivery to the following recipient failed permanently: anna@example.test",
            ),
            part(
                "message/delivery-status",
                b"Reporting-MTA: dns; mx.example.test\r\n\r\nFinal-Recipient: rfc822; anna@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n",
                cte="7bit",
            ),
            part(
                "message/rfc822-headers",
                b"From: support@linia.localhost\r\nSubject: [#TICKETNO] x\r\n",
                cte="7bit",
            ),
        ]
    )
    mail(
        "dsn_bounce",
        dsn,
        sender="Mail Delivery Subsystem <mailer-daemon@mx.example.test>",
        subject="Delivery Status Notification (Failure)",
        ctype='multipart/report; report-type=delivery-status; boundary="b1"',
        cte="",
        expect={"outcome": "ignored", "reason": "bounce", "failing": "anna@example.test"},
    )
    mail(
        "own_mail",
        b"Loop!",
        sender="Linia Service Desk <support@linia.localhost>",
        expect={"outcome": "ignored", "reason": "own mail"},
    )
    mail(
        "own_header",
        b"Loop via another relay.",
        sender="relay@other.test",
        extra=[("X-Linia-Ticket", "TICKETNO")],
        expect={"outcome": "ignored", "reason": "own mail"},
    )


def main() -> None:
    build()
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.glob("*.eml"):
        old.unlink()
    for name, data in FILES.items():
        (CORPUS / name).write_bytes(data)
    (CORPUS / "expected.json").write_text(
        json.dumps(CASES, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(FILES)} messages")  # noqa: T201


if __name__ == "__main__":
    main()
