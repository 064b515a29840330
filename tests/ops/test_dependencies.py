"""What production installs: only what it runs, each file checked against its hash."""

import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(name: str) -> dict[str, tuple[str, str | None, int]]:
    """{package: (version, marker, number of hashes)} of a lock file."""
    pins: dict[str, tuple[str, str | None, int]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            package, version, marker = match.groups()
            current = canonicalize_name(package)
            pins[current] = (version, marker, 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, marker, hashes = pins[current]
            pins[current] = (version, marker, hashes + 1)
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{name}: unexpected line {line!r}")
    return pins


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": e}) for e in extras | {""})


def closure(requirements: list[str]) -> set[str]:
    """The packages these requirements install here, dependencies included."""
    seen: set[tuple[str, frozenset]] = set()
    queue = [Requirement(text) for text in requirements]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen or not _applies(requirement, set()):
            continue
        seen.add(key)
        for text in metadata.distribution(name).requires or ():
            dependency = Requirement(text)
            if _applies(dependency, set(requirement.extras)):
                dependency.marker = None  # about the parent's extras: settled
                queue.append(dependency)
    return {name for name, _ in seen}


def test_every_locked_package_carries_its_hashes():
    for name in ("requirements.lock", "requirements-test.lock"):
        pins = locked(name)
        assert pins, name
        unhashed = [package for package, (_, _, hashes) in pins.items() if not hashes]
        assert unhashed == [], f"{name}: no --hash for {unhashed}"


def test_production_lock_holds_what_the_app_runs_and_nothing_else():
    pins = locked("requirements.lock")
    runs = closure(project()["dependencies"])
    test_only = closure(project()["optional-dependencies"]["test"]) - runs

    conditional = {
        package
        for package, (_, marker, _) in pins.items()
        if marker and not Marker(marker).evaluate()
    }
    assert runs <= set(pins), f"not locked: {runs - set(pins)}"
    assert set(pins) - conditional <= runs, (
        f"locked but never imported by the app: {set(pins) - conditional - runs}"
    )
    assert not test_only & set(pins), (
        f"test tools in production: {test_only & set(pins)}"
    )


def test_test_lock_pins_production_packages_at_the_same_versions():
    production = locked("requirements.lock")
    test = locked("requirements-test.lock")

    assert {p: v for p, (v, _, _) in production.items()} == {
        p: test[p][0] for p in production
    }


def test_make_serve_installs_the_production_lock_with_hashes_only():
    plan = subprocess.run(
        ["make", "-n", "-B", "serve"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    installs = [line for line in plan.splitlines() if " -r " in line]

    assert installs, plan
    for line in installs:
        assert "--require-hashes" in line and "-r requirements.lock" in line, line
        assert "requirements-test.lock" not in line
