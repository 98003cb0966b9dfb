#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The translation pipeline end to end:
#  1. every catalog named in po/LINGUAS compiles with `msgfmt --check` and has
#     no untranslated or fuzzy message;
#  2. the desktop file and the metainfo, merged the way i18n.merge_file merges
#     them (msgfmt --desktop / --xml with the po directory), carry the
#     translated entries of every language (merged afresh here: meson's merge
#     target does not depend on the .po files, so a build dir can hold a stale
#     copy);
#  3. debrief-cli, pointed at the .mo files meson built (DEBRIEF_LOCALEDIR),
#     prints its --help in German. No GTK, no installed locale needed: glibc
#     honours LANGUAGE under C.UTF-8.
# Usage: check-translations.sh SRCDIR DEBRIEF_CLI BUILD_PO_DIR
set -euo pipefail
srcdir=$1 cli=$2 localedir=$3
status=0
fail () { echo "not ok: $*"; status=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
desktop=$tmp/io.github.debrief.Debrief.desktop
metainfo=$tmp/io.github.debrief.Debrief.metainfo.xml
msgfmt --desktop -d "$srcdir/po" --template "$srcdir/data/io.github.debrief.Debrief.desktop.in" -o "$desktop"
msgfmt --xml -d "$srcdir/po" --template "$srcdir/data/io.github.debrief.Debrief.metainfo.xml.in" -o "$metainfo"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "the merged desktop file does not validate"
fi

langs=$(grep -v '^#' "$srcdir/po/LINGUAS" | tr -s ' \n' '\n' | sed '/^$/d')
[ -n "$langs" ] || fail "po/LINGUAS names no language"
for lang in $langs; do
  po="$srcdir/po/$lang.po"
  [ -f "$po" ] || { fail "po/LINGUAS names $lang but po/$lang.po is missing"; continue; }
  if ! stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1); then
    fail "msgfmt --check po/$lang.po: $stats"
    continue
  fi
  echo "ok: po/$lang.po: $stats"
  case $stats in
    *untranslated*|*fuzzy*) fail "po/$lang.po is incomplete: $stats" ;;
  esac
  grep -q "^Name\[$lang\]=" "$desktop" || fail "$desktop has no Name[$lang]"
  grep -q "^Comment\[$lang\]=" "$desktop" || fail "$desktop has no Comment[$lang]"
  grep -q "<summary xml:lang=\"$lang\">" "$metainfo" || fail "$metainfo has no <summary xml:lang=\"$lang\">"
  grep -q "xml:lang=\"$lang\"" "$metainfo" || fail "$metainfo has no xml:lang=\"$lang\" entries"
done

case " $(echo $langs) " in
  *" de "*)
    [ -f "$localedir/de/LC_MESSAGES/debrief.mo" ] || fail "$localedir/de/LC_MESSAGES/debrief.mo was not built"
    english=$(env -u LC_ALL -u LC_MESSAGES LANGUAGE= LANG=C.UTF-8 DEBRIEF_LOCALEDIR="$localedir" "$cli" --help)
    german=$(env -u LC_ALL -u LC_MESSAGES LANGUAGE=de LANG=C.UTF-8 DEBRIEF_LOCALEDIR="$localedir" "$cli" --help)
    # The English help must say Commands:, the German one its translation and not the English.
    grep -q '^Commands:' <<< "$english" || fail "debrief-cli --help (English) has no 'Commands:' line"
    want=$(LANGUAGE=de LANG=C.UTF-8 TEXTDOMAINDIR="$localedir" gettext debrief 'Commands:')
    [ "$want" != 'Commands:' ] || fail "the de catalog does not translate 'Commands:'"
    grep -qx -- "$want" <<< "$german" || fail "debrief-cli --help under LANGUAGE=de lacks '$want'"
    grep -q '^Commands:' <<< "$german" && fail "debrief-cli --help under LANGUAGE=de still says 'Commands:'"
    [ "$english" != "$german" ] || fail "debrief-cli --help is the same in English and German"
    grep -q 'Diagnose\|Befehl\|Optionen' <<< "$german" || fail "debrief-cli --help under LANGUAGE=de shows no German words"
    [ $status -eq 0 ] && { echo "ok: debrief-cli --help in German:"; echo "$german" | sed 's/^/    /'; }
    ;;
esac
exit $status
