"""Measure the kiosk as a terminal's venv holds it: without the development-only packages.

A terminal's venv is ``pip install`` of the kiosk's wheel: its runtime dependencies and
theirs, nothing else. The development venv the benches run in also holds the test tools
(selenium with trio, schemathesis with rich, pytest...), and some runtime packages pick up
what they find (httpcore imported trio when it was installed, ~8 MB and 100 modules, while
the sync client was httpx). A figure taken with them overstates the kiosk.

:func:`dev_only_modules` lists the top-level modules installed here whose distribution is
not in the kiosk's runtime dependency closure (``pyproject.toml``'s ``dependencies`` and what
they require, with the extras asked for); :func:`hiding_prelude` is the line a measured child
process runs first, so that importing any of them fails as it would on a terminal.

The kiosk's own dependencies are read from this checkout's ``pyproject.toml``, not from the
installed metadata: the development venv holds the kiosk as an editable install, whose
metadata is as old as the last ``pip install -e`` (httpx, moved to the ``dev`` extra, would
otherwise still count as a terminal's).
"""

from __future__ import annotations

import functools
import importlib.metadata as metadata
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


@functools.cache
def _project() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        project: dict[str, Any] = tomllib.load(file)["project"]
    return project


def _requirements(name: str) -> list[str] | None:
    """What ``name`` requires (marker lines as in its metadata), or None if not installed;
    the kiosk's own from ``pyproject.toml`` (see the module's docstring)."""
    project = _project()
    if _normal(name) == _normal(project["name"]):
        return list(project.get("dependencies", []))
    try:
        return metadata.distribution(name).requires or []
    except metadata.PackageNotFoundError:
        return None


def runtime_distributions(root: str = "kiosk") -> set[str]:
    """The distributions ``pip install <root>`` brings, root included (normalised names)."""
    seen: set[str] = set()

    def visit(name: str, extras: frozenset[str]) -> None:
        key = (_normal(name), extras)
        if key in visited:
            return
        visited.add(key)
        seen.add(_normal(name))
        for line in _requirements(name) or []:
            req = Requirement(line)
            wanted = req.marker is None or any(
                req.marker.evaluate({"extra": extra}) for extra in ("", *extras)
            )
            if wanted:
                visit(req.name, frozenset(req.extras))

    visited: set[tuple[str, frozenset[str]]] = set()
    visit(root, frozenset())
    return seen


def dev_only_modules(root: str = "kiosk") -> list[str]:
    """Top-level modules installed here that a terminal's venv would not have."""
    runtime = runtime_distributions(root)
    return sorted(
        top
        for top, dists in metadata.packages_distributions().items()
        if not top.startswith("_") and not any(_normal(d) in runtime for d in dists)
    )


SHELL_ONLY_VARIABLES = ("SSL_CERT_FILE",)
"""Set by this machine's shells, not by systemd on a terminal: ``SSL_CERT_FILE`` makes
OpenSSL read the whole CA bundle (~1.3 MB) where a terminal reads the one root it needs
from the hashed directory (``sync.client._tls_context``)."""


def terminal_environment() -> dict[str, str]:
    """This process's environment without what only a development shell sets."""
    return {k: v for k, v in os.environ.items() if k not in SHELL_ONLY_VARIABLES}


def hiding_prelude(modules: list[str]) -> str:
    """Python source to run first in a child: each module becomes unimportable (``None`` in
    ``sys.modules`` makes ``import`` raise ``ModuleNotFoundError``), as if not installed."""
    return f"import sys; sys.modules.update(dict.fromkeys({modules!r}))\n"


def run_child(code: str, home: str, hidden: list[str], *, timeout: float) -> dict[str, Any]:
    """Run ``code`` (``ROOT`` replaced by the project's path) in a fresh interpreter on the
    data directory ``home``, offscreen, with ``hidden`` unimportable; its last stdout line
    is the JSON object it measured."""
    env = {**terminal_environment(), "KIOSK_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", hiding_prelude(hidden) + code.replace("ROOT", repr(str(ROOT)))],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=timeout,
    )
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data
