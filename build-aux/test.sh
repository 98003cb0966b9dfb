#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds, and runs every test under Xvfb.
#   build-aux/test.sh            the whole suite (build dir: build/)
#   build-aux/test.sh --asan     the whole suite under AddressSanitizer +
#                                UndefinedBehaviorSanitizer (build dir: build-asan/)
#   build-aux/test.sh --suite unit   one suite (unit, ui, integration, fuzz-corpus, data)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. build-aux/setup.sh

builddir=build
meson_args=()
test_args=()
sanitize=
while [ $# -gt 0 ]; do
  case "$1" in
    --asan) sanitize=1; builddir=build-asan
            meson_args+=(-Db_sanitize=address,undefined -Dbuildtype=debug)
            # fast_unwind_on_malloc=0 (below) unwinds the whole stack on every
            # malloc: a test that streams from llama-server runs ~25x slower.
            test_args+=(--timeout-multiplier 4) ;;
    --suite) test_args+=(--suite "$2"); shift ;;
    *) test_args+=("$1") ;;
  esac
  shift
done

# The remote-folder tests start their own sshd on loopback; they need only its
# binary. A fresh openssh-server would also start the system's ssh service on
# port 22: Debian's documented switch keeps it from running (remove
# /etc/ssh/sshd_not_to_be_run to use that service).
if ! dpkg-query -W -f='${Status}' openssh-server 2>/dev/null | grep -q "install ok installed" &&
   [ ! -e /etc/ssh/sshd_config ]; then
  debrief_as_root mkdir -p /etc/ssh
  debrief_as_root sh -c 'echo "debrief build-aux/test.sh: only the sshd binary is needed (tests start their own)" \
    > /etc/ssh/sshd_not_to_be_run'
fi
debrief_install_packages "${DEBRIEF_PACKAGES[@]}" clang libclang-rt-14-dev \
  cmake git python3 python3-numpy valgrind \
  dbus at-spi2-core python3-gi gir1.2-atspi-2.0 \
  openssh-server openssh-client gvfs-daemons gvfs-backends dbus-daemon
# npm (for llama.cpp's source bundle) may come from Debian's npm or from a nodejs
# package that ships it; install Debian's only when there is none.
command -v npm >/dev/null 2>&1 || debrief_install_packages npm
debrief_build "$builddir" "${meson_args[@]}"

# A real OpenAI-compatible server for the integration suite: llama.cpp's
# llama-server, built from source once and cached (see build-aux/llama-server.sh).
if [ -x build-aux/llama-server.sh ]; then
  if server_env=$(build-aux/llama-server.sh); then
    eval "$server_env"
  else
    echo "debrief: WARNING: llama-server could not be built; the integration tests against it will SKIP" >&2
  fi
fi

if [ -n "$sanitize" ]; then
  export ASAN_OPTIONS="fast_unwind_on_malloc=0:detect_leaks=1:abort_on_error=1"
  export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  export G_SLICE=always-malloc
fi

# GTK needs an X server; no D-Bus session is needed (GTK_A11Y=none, ADW_DISABLE_PORTAL=1
# are set by the test environment in tests/meson.build).
if [ -n "$sanitize" ] && [[ " ${test_args[*]} " != *" --suite "* ]]; then
  # Under the sanitizers the GTK tests run one at a time: two GTK processes on
  # one X server see each other's PRIMARY selection, and GTK 4.8 does not free
  # the X11 selection streams still in flight when a test exits (LeakSanitizer
  # reports them, with no Debrief frame in their stacks). The other suites
  # still run two at a time.
  status=0
  xvfb-run -a -s "-screen 0 1280x800x24" \
    meson test -C "$builddir" --print-errorlogs --num-processes 2 --no-suite ui "${test_args[@]}" || status=$?
  xvfb-run -a -s "-screen 0 1280x800x24" \
    meson test -C "$builddir" --print-errorlogs --num-processes 1 --suite ui "${test_args[@]}" || status=$?
  exit "$status"
fi
xvfb-run -a -s "-screen 0 1280x800x24" \
  meson test -C "$builddir" --print-errorlogs --num-processes 2 "${test_args[@]}"
