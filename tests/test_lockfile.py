"""requirements.lock stays in step with pyproject.toml.

scripts/test.sh installs nothing but the lock (``uv pip install --require-hashes``), so a
requirement added to or tightened in pyproject.toml without ``./scripts/lock.sh`` would go
untested or fail the install. These tests name the package that is out of step.

What must hold:
    every requirement of pyproject.toml's ``dependencies``, its ``test`` extra, its
    ``[build-system] requires``, pip and uv (scripts/test.sh installs both from the lock) is pinned
    with ``==`` in the lock, at a version its specifier allows; every pin carries at least one
    ``--hash``; and every dependency of a pinned package (read from the installed metadata,
    with the extras asked for) is pinned too.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
LOCKED_EXTRA = "test"
INSTALLERS = ("pip", "uv")  # no dependencies, but scripts/test.sh installs them from the lock
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}\b")
REFRESH = "run ./scripts/lock.sh and commit requirements.lock"


@dataclass(frozen=True)
class Pin:
    """One ``name==version`` line of the lock and the hashes that follow it."""

    requirement: Requirement
    version: Version
    hash_count: int


def logical_lines(text: str) -> list[str]:
    """The lock's requirement lines, backslash continuations joined, comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = "" if raw.lstrip().startswith("#") else raw.split(" #", 1)[0].strip()
        continued = line.endswith("\\")
        pending = " ".join(part for part in (pending, line.removesuffix("\\").strip()) if part)
        if not continued and pending:
            lines.append(pending)
            pending = ""
    if pending:
        lines.append(pending)
    return lines


def parse_lock(text: str) -> tuple[dict[NormalizedName, Pin], list[str]]:
    """The pins of a lock file, and what is wrong with its lines."""
    pins: dict[NormalizedName, Pin] = {}
    problems: list[str] = []
    for line in logical_lines(text):
        spec = line.split(" --hash", 1)[0].strip()
        try:
            requirement = Requirement(spec)
        except InvalidRequirement:
            problems.append(f"requirements.lock: not a pinned requirement: {spec!r}")
            continue
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            problems.append(f"{requirement.name}: not pinned with == in requirements.lock")
            continue
        hash_count = len(HASH.findall(line))
        if hash_count == 0:
            problems.append(f"{requirement.name}: no --hash=sha256:... in requirements.lock")
        name = canonicalize_name(requirement.name)
        if name in pins:
            problems.append(f"{requirement.name}: pinned twice in requirements.lock")
        pins[name] = Pin(requirement, Version(specifiers[0].version), hash_count)
    return pins, problems


def declared_requirements(pyproject: dict[str, Any]) -> list[Requirement]:
    """What the lock must satisfy: dependencies, the test extra, the build backend, the
    installers."""
    project = pyproject["project"]
    specs = [
        *project.get("dependencies", []),
        *project.get("optional-dependencies", {}).get(LOCKED_EXTRA, []),
        *pyproject.get("build-system", {}).get("requires", []),
        *INSTALLERS,
    ]
    requirements = [Requirement(spec) for spec in specs]
    return [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]


def lock_problems(pyproject: dict[str, Any], lock_text: str) -> list[str]:
    """Everything that keeps ``lock_text`` from being a faithful lock of ``pyproject``."""
    pins, problems = parse_lock(lock_text)
    for requirement in declared_requirements(pyproject):
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement.name}: in pyproject.toml but not in requirements.lock")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(
                f"{requirement.name}=={pin.version} in requirements.lock does not satisfy "
                f"pyproject.toml's {requirement.specifier}"
            )
    return problems


def unpinned_dependencies(pyproject: dict[str, Any], pins: dict[NormalizedName, Pin]) -> list[str]:
    """Dependencies (from the installed metadata) of what the lock pins that it does not pin."""
    problems: list[str] = []
    queue = deque((r.name, frozenset(r.extras)) for r in declared_requirements(pyproject))
    seen: set[tuple[NormalizedName, frozenset[str]]] = set()
    while queue:
        name, extras = queue.popleft()
        key = (canonicalize_name(name), extras)
        if key in seen or key[0] not in pins:
            continue  # a missing pin is reported once, by whoever asked for it
        seen.add(key)
        installed = Version(importlib.metadata.version(name))
        if installed != pins[key[0]].version:
            problems.append(f"{name}: {installed} installed, lock says {pins[key[0]].version}")
        for spec in importlib.metadata.requires(name) or []:
            dependency = Requirement(spec)
            wanted = dependency.marker is None or any(
                dependency.marker.evaluate({"extra": extra}) for extra in ("", *extras)
            )
            if not wanted:
                continue
            if canonicalize_name(dependency.name) not in pins:
                problems.append(f"{dependency.name} (needed by {name}): not in requirements.lock")
            queue.append((dependency.name, frozenset(dependency.extras)))
    return problems


def _real_pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_lock_pins_every_requirement_of_pyproject_with_hashes() -> None:
    problems = lock_problems(_real_pyproject(), LOCK.read_text(encoding="utf-8"))

    assert problems == [], f"{REFRESH}:\n" + "\n".join(problems)


def test_the_lock_pins_every_dependency_of_what_it_pins() -> None:
    # Read from the metadata scripts/test.sh installed from this very lock: a version that
    # differs means the venv is stale (run ./scripts/test.sh), not that the lock is wrong.
    pins, _ = parse_lock(LOCK.read_text(encoding="utf-8"))

    problems = unpinned_dependencies(_real_pyproject(), pins)

    assert problems == [], f"{REFRESH}:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# The checker itself: each way a lock falls out of step is reported.
# ---------------------------------------------------------------------------------------------

SHA = "--hash=sha256:" + "ab" * 32
GOOD_LOCK = f"""#
#    ./scripts/lock.sh
#
fastapi==0.165.0 \\
    {SHA} \\
    {SHA.replace("ab", "cd")}
    # via callvault (pyproject.toml)
pytest==9.2.0 \\
    {SHA}
setuptools==84.2.1 \\
    {SHA}
pip==26.3 \\
    {SHA}
uv==0.13.9 \\
    {SHA}
"""


def _pyproject(deps: list[str], test: list[str], build: list[str]) -> dict[str, Any]:
    return {
        "build-system": {"requires": build},
        "project": {"dependencies": deps, "optional-dependencies": {LOCKED_EXTRA: test}},
    }


GOOD_PYPROJECT = _pyproject(["fastapi>=0.115"], ["pytest>=8"], ["setuptools>=69"])


def test_a_lock_in_step_has_no_problems() -> None:
    assert lock_problems(GOOD_PYPROJECT, GOOD_LOCK) == []


@pytest.mark.parametrize(
    ("pyproject", "lock", "expected"),
    [
        pytest.param(
            _pyproject(["fastapi>=0.115", "httpx>=0.27"], ["pytest>=8"], ["setuptools>=69"]),
            GOOD_LOCK,
            "httpx: in pyproject.toml but not in requirements.lock",
            id="new-dependency-not-locked",
        ),
        pytest.param(
            _pyproject(["fastapi>=0.115"], ["pytest>=8", "schemathesis>=4.32"], ["setuptools"]),
            GOOD_LOCK,
            "schemathesis: in pyproject.toml but not in requirements.lock",
            id="new-test-extra-not-locked",
        ),
        pytest.param(
            _pyproject(["fastapi>=0.115"], ["pytest>=8"], ["setuptools>=69", "wheel"]),
            GOOD_LOCK,
            "wheel: in pyproject.toml but not in requirements.lock",
            id="build-backend-not-locked",
        ),
        pytest.param(
            _pyproject(["fastapi>=0.200"], ["pytest>=8"], ["setuptools>=69"]),
            GOOD_LOCK,
            "fastapi==0.165.0 in requirements.lock does not satisfy pyproject.toml's >=0.200",
            id="specifier-tightened",
        ),
        pytest.param(
            GOOD_PYPROJECT,
            GOOD_LOCK.replace("pytest==9.2.0 \\\n    " + SHA, "pytest==9.2.0"),
            "pytest: no --hash=sha256:... in requirements.lock",
            id="pin-without-hash",
        ),
        pytest.param(
            GOOD_PYPROJECT,
            GOOD_LOCK.replace("pytest==9.2.0", "pytest>=9.2.0"),
            "pytest: not pinned with == in requirements.lock",
            id="lower-bound-instead-of-pin",
        ),
        pytest.param(
            GOOD_PYPROJECT,
            GOOD_LOCK.replace("pip==26.3 \\\n    " + SHA + "\n", ""),
            "pip: in pyproject.toml but not in requirements.lock",
            id="pip-not-locked",
        ),
    ],
)
def test_a_lock_out_of_step_is_reported(
    pyproject: dict[str, Any], lock: str, expected: str
) -> None:
    assert expected in lock_problems(pyproject, lock)


def test_a_dependency_of_a_pinned_package_that_is_not_pinned_is_reported() -> None:
    # pytest is installed and depends on pluggy; a lock without pluggy is incomplete.
    pins, _ = parse_lock(GOOD_LOCK.replace("9.2.0", importlib.metadata.version("pytest")))
    pyproject = _pyproject([], ["pytest"], [])

    problems = unpinned_dependencies(pyproject, pins)

    assert "pluggy (needed by pytest): not in requirements.lock" in problems
