#!/usr/bin/env bash
# Refreshes po/kiosk.pot from the sources and merges it into po/zh_CN.po; new messages then
# need their translation in po/zh_CN.po (msgfmt --statistics shows how many are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 --keyword=KIOSK_TR --keyword=KIOSK_N --language=C++ --package-name=kiosk \
  --no-location -o po/kiosk.pot $(git ls-files 'kiosk/*.cpp' 'kiosk/*.hpp')
msgmerge --quiet --update --backup=none --no-fuzzy-matching po/zh_CN.po po/kiosk.pot
msgfmt --statistics -o /dev/null po/zh_CN.po
