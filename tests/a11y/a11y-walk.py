#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Accessibility walk-through of the real Debrief window, through AT-SPI.

Starts the app with accessibility enabled (GTK_A11Y unset) on a session bus
that has the AT-SPI bus, opens runs, visits every page, and checks what a
screen-reader user depends on:
  - every control (buttons, toggles, sliders, text fields, combo boxes, list
    items) has an accessible name,
  - the loss plot has a name and a description that summarises the curves,
  - the findings are exposed as text, not only as colour,
  - Tab moves the keyboard focus through the window (several distinct stops).
Prints TAP. Run by tests/a11y/run-a11y.sh inside dbus-run-session.
"""
import os
import subprocess
import sys
import time

import gi
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

CONTROL_ROLES = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON, Atspi.Role.SLIDER, Atspi.Role.SPIN_BUTTON,
    Atspi.Role.ENTRY, Atspi.Role.COMBO_BOX, Atspi.Role.SWITCH if hasattr(Atspi.Role, "SWITCH") else Atspi.Role.TOGGLE_BUTTON,
    Atspi.Role.MENU_ITEM, Atspi.Role.PAGE_TAB,
}

results = []


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


def find_app(timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            if app is not None and app.get_name() in ("debrief", "Debrief"):
                return app
        time.sleep(0.2)
    return None


def walk(node, depth=0, out=None):
    if out is None:
        out = []
    if node is None or depth > 60:
        return out
    try:
        states = node.get_state_set()
        # GTK 4.8 does not maintain SHOWING; VISIBLE is what it exposes. Pages
        # of a stack that are not on screen are included: all must be named.
        if not states.contains(Atspi.StateType.VISIBLE):
            return out
    except Exception:
        return out
    out.append(node)
    try:
        n = node.get_child_count()
    except Exception:
        n = 0
    for i in range(n):
        try:
            walk(node.get_child_at_index(i), depth + 1, out)
        except Exception:
            pass
    return out


def describe(node):
    try:
        return f"{node.get_role_name()} '{node.get_name()}' in {node.get_parent().get_role_name()}"
    except Exception:
        return "?"


def wait_for(pred, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.3)
    return False


def main():
    app_path, run_dir = sys.argv[1], sys.argv[2]
    env = dict(os.environ)
    env.pop("GTK_A11Y", None)
    env["NO_AT_BRIDGE"] = "0"
    proc = subprocess.Popen([app_path, run_dir], env=env)
    try:
        app = find_app()
        ok(app is not None, "the app appears on the AT-SPI bus")
        if app is None:
            return
        window = None
        # As long as for the app itself (find_app): a sanitizer build on a
        # loaded machine can take well over 20 s to map its first window.
        for _ in range(600):
            if app.get_child_count() > 0:
                window = app.get_child_at_index(0)
                break
            time.sleep(0.2)
        ok(window is not None, "the window is exposed")
        if window is None:
            return
        # Wait until the run is loaded and analysed: its name appears somewhere.
        run_name = os.path.basename(run_dir.rstrip("/"))
        ok(wait_for(lambda: any(run_name in (n.get_name() or "") for n in walk(window))),
           f"the run name '{run_name}' is exposed")
        time.sleep(2)

        nodes = walk(window)
        tabs = [n.get_name() for n in nodes if n.get_role() == Atspi.Role.PAGE_TAB]
        ok(all(t in tabs for t in ("Overview", "Samples", "Report")),
           "the view switcher exposes the Overview, Samples and Report pages", ", ".join(tabs))
        controls = [n for n in nodes if n.get_role() in CONTROL_ROLES]
        unnamed = [describe(n) for n in controls if not (n.get_name() or "").strip()]
        ok(len(controls) >= 10, "the window exposes its controls", f"{len(controls)} controls")
        ok(not unnamed, "every control has an accessible name", "; ".join(unnamed[:15]))
        unnamed_total = unnamed
        print(f"# {len(nodes)} accessible objects, {len(controls)} controls")
        plots = [n for n in nodes if "plot" in (n.get_name() or "").lower()]
        ok(plots, "the loss plot has an accessible name",
           ", ".join(f"{p.get_role_name()} '{p.get_name()}'" for p in plots[:3]))
        described = [p for p in plots if (p.get_description() or "").strip()]
        ok(described, "the loss plot has a description of the curves",
           (described[0].get_description()[:200] if described else ""))
        texts = " ".join((n.get_name() or "") + " " + (n.get_description() or "") for n in nodes).lower()
        ok("validation loss increases" in texts or "overfitting" in texts,
           "the overfitting finding is exposed as text, not only as colour")
        print(f"# controls without a name: {len(unnamed_total)}")
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash of the walker is a failure, reported as such
        ok(False, "the walk-through ran", repr(e))
    print(f"1..{len(results)}")
    for i, (passed, name, detail) in enumerate(results, 1):
        print(f"{'ok' if passed else 'not ok'} {i} - {name}" + (f" # {detail}" if detail and passed else ""))
        if detail and not passed:
            print(f"#   {detail}")
    sys.exit(0 if all(p for p, _, _ in results) else 1)
