#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Shared set-up for run.sh and test.sh: install the Debian 12 packages that are
# missing (apt, as root or through sudo), then configure and build with meson.
# Idempotent: quick when everything is there. Sourced, not executed.

DEBRIEF_PACKAGES=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libjson-glib-dev libsoup-3.0-dev
  libgtksourceview-5-dev libcmark-dev libsecret-1-dev libcairo2-dev libsqlite3-dev
  desktop-file-utils appstream xvfb xauth librsvg2-common adwaita-icon-theme
)

debrief_as_root () {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "debrief: need root or sudo to run: $*" >&2
    return 1
  fi
}

# debrief_install_packages PKG...: installs those not yet installed.
debrief_install_packages () {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "debrief: installing ${missing[*]}" >&2
  if [ -z "${DEBRIEF_APT_UPDATED:-}" ]; then
    debrief_as_root apt-get update -qq || return 1
    DEBRIEF_APT_UPDATED=1
  fi
  debrief_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# debrief_build BUILDDIR [MESON_ARGS...]
debrief_build () {
  local builddir=$1; shift
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$@" || return 1
  elif [ $# -gt 0 ]; then
    meson configure "$builddir" "$@" >/dev/null || return 1
  fi
  meson compile -C "$builddir"
}
