#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The accessibility walk-through needs a D-Bus session with the AT-SPI bus
# (at-spi2-core) and Python's Atspi bindings (python3-gi, gir1.2-atspi-2.0).
# usage: run-a11y.sh APP RUN_DIR
set -u
if ! command -v dbus-run-session >/dev/null || ! /usr/bin/python3 -c \
     "import gi; gi.require_version('Atspi', '2.0'); from gi.repository import Atspi" 2>/dev/null; then
  echo "1..0 # SKIP AT-SPI tooling not installed (at-spi2-core, gir1.2-atspi-2.0)"
  exit 0
fi
here=$(dirname "$0")
exec dbus-run-session -- /usr/bin/python3 "$here/a11y-walk.py" "$@"
