"""The e-mail channel: one pipeline behind three doors (IMAP, SMTP, MTA pipe)."""
