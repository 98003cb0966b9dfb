#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source or UI file with translatable strings is listed in po/POTFILES.in,
# and every listed file exists. A missing entry means strings users see are
# never translated.
set -euo pipefail
top=$1
cd "$top"
status=0
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort -u)
for f in $listed; do
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist"; status=1; }
done
candidates=$( { grep -rlE '\b(N?_|C_|g_dngettext|ngettext)\s*\("' src --include='*.c';
                grep -rl 'translatable="yes"' src data --include='*.ui' --include='*.xml' --include='*.in'; } | sort -u)
for f in $candidates; do
  # A here-string, not a pipe: grep -q stops reading at the first match, and under
  # pipefail the echo killed by SIGPIPE would fail the test at random.
  grep -qxF -- "$f" <<< "$listed" || { echo "$f has translatable strings but is not in po/POTFILES.in"; status=1; }
done
exit $status
