#!/usr/bin/env bash
# Install the Debian packages Linia needs, only those missing, quietly. Idempotent.
#   scripts/install-system-deps.sh            what `make run` needs (python3 -m venv)
#   scripts/install-system-deps.sh --browser  also what the tests need: Chromium for the browser
#                                             tests and dovecot for the IMAP tests (`make test`),
#                                             gettext for the catalog check (`make lint`)
# Without root (or without apt-get) it says what is missing and carries on.
set -euo pipefail

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "usage: $0 [--browser]" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
missing=()

# `python3 -m venv` needs ensurepip, which Debian ships in python3-venv.
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium fonts-dejavu-core)
fi
# The IMAP tests start a throw-away dovecot on loopback (never as a system service).
if [ "$want_browser" = 1 ] && ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  missing+=(dovecot-imapd)
fi
# `make lint` extracts the translatable strings afresh (xgettext, msgattrib).
if [ "$want_browser" = 1 ] && ! command -v msgattrib >/dev/null 2>&1; then
  missing+=(gettext)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-system-deps: not root, so not installing: ${missing[*]}" >&2
  echo "install-system-deps: run 'sudo apt-get install -y ${missing[*]}' (the browser and IMAP tests skip without chromium and dovecot)." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: no apt-get here; please install: ${missing[*]}" >&2
  exit 0
fi

echo "install-system-deps: installing ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once if the install cannot resolve.
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-system-deps: done."
