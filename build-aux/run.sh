#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds, and opens Debrief on the bundled demo run
# (or on the folders given as arguments).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. build-aux/setup.sh

debrief_install_packages "${DEBRIEF_PACKAGES[@]}"
debrief_build build

export GSETTINGS_SCHEMA_DIR="$top/build/data"
if [ $# -eq 0 ]; then
  set -- "$top/data/demo/healthy"
fi
exec "$top/build/src/app/debrief" "$@"
