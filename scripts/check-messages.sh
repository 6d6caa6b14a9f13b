#!/usr/bin/env bash
# Every user-facing string must be in the catalogs, translated (docs/i18n.md). The catalog
# test only sees entries that are already there, so this extracts the strings afresh, as
# `make messages` would, into a scratch copy of linia/ and fails on any entry that would come
# out new (untranslated) or fuzzy. The committed catalogs are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
if ! command -v msgattrib >/dev/null 2>&1; then
  echo "check-messages: gettext is not installed (scripts/install-system-deps.sh --browser)" >&2
  exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tar -C "$repo" --exclude='__pycache__' --exclude='*.mo' -cf - linia | tar -C "$scratch" -xf -
(cd "$scratch/linia" && "$repo/.venv/bin/linia" makemessages -l ru -l uk -l pl --no-obsolete \
  --ignore "*/tests/*" -v 0)
status=0
for po in "$scratch"/linia/locale/*/LC_MESSAGES/django.po; do
  language=$(basename "$(dirname "$(dirname "$po")")")
  # e.g. "1203 translated messages, 2 fuzzy translations, 1 untranslated message."
  stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)
  if [[ "$stats" == *fuzzy* || "$stats" == *untranslated* ]]; then
    echo "check-messages: $language: $stats Run 'make messages' and translate:" >&2
    { msgattrib --untranslated --no-obsolete "$po"; msgattrib --only-fuzzy --no-obsolete "$po"; } \
      | grep -A1 '^msgid ' | grep -v -e '^msgid ""$' -e '^--$' -e '^msgstr' | head -20 >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "check-messages: every string is in the catalogs and translated"
exit "$status"
