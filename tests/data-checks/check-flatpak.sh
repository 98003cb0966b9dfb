#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the Flatpak manifest offline: valid JSON, the right app id and command,
# a GNOME runtime, only known module build systems and source types, and the
# finish-args the app needs (no broad filesystem access).
#   check-flatpak.sh [MANIFEST]
set -euo pipefail
# With no argument: the project's own manifest (meson passes it explicitly).
manifest=${1:-$(dirname "$0")/../../flatpak/io.github.debrief.Debrief.json}
python3 - "$manifest" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as f:
    m = json.load(f)
errors = []
def expect(cond, msg):
    if not cond:
        errors.append(msg)
expect(m.get("id") == "io.github.debrief.Debrief", "id is not io.github.debrief.Debrief")
expect(m.get("command") == "debrief", "command is not debrief")
expect(m.get("runtime") == "org.gnome.Platform", "runtime is not org.gnome.Platform")
expect(m.get("sdk") == "org.gnome.Sdk", "sdk is not org.gnome.Sdk")
args = m.get("finish-args", [])
expect("--share=network" in args, "finish-args lack --share=network (sampling)")
# Debrief's own llama-server runs on the host (flatpak-spawn --host).
expect("--talk-name=org.freedesktop.Flatpak" in args,
       "finish-args lack --talk-name=org.freedesktop.Flatpak (flatpak-spawn --host llama-server)")
expect(not any(a.startswith("--filesystem=home") or a == "--filesystem=host" for a in args),
       "finish-args grant broad filesystem access")
build_systems = {"meson", "cmake", "cmake-ninja", "autotools", "simple", "qmake"}
source_types = {"archive", "git", "dir", "file", "patch", "script", "shell"}
modules = m.get("modules", [])
expect(modules and modules[-1].get("name") == "debrief", "the last module is not debrief")
for mod in modules:
    expect(mod.get("buildsystem", "autotools") in build_systems,
           f"module {mod.get('name')}: unknown buildsystem {mod.get('buildsystem')}")
    for src in mod.get("sources", []):
        expect(src.get("type") in source_types,
               f"module {mod.get('name')}: unknown source type {src.get('type')}")
        if src.get("type") == "archive":
            expect(len(src.get("sha256", "")) == 64, f"module {mod.get('name')}: archive without sha256")
if errors:
    for e in errors:
        print(f"{path}: {e}")
    sys.exit(1)
print(f"{path}: ok")
PY
if command -v flatpak-builder >/dev/null 2>&1; then
  G_DEBUG=fatal-warnings flatpak-builder --show-manifest "$manifest" >/dev/null
fi
