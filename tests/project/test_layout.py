"""The code stays readable: no module of the project's packages passes 500 lines (STYLE.md:
a module that does becomes a package of named parts). The import layers are checked by
import-linter in `make test`."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "activity",
    "autonomy",
    "bots",
    "corpora",
    "dashboard",
    "platforms",
    "project",
    "tweets",
    "xsandbox",
]
MAX_LINES = 500


def test_no_module_passes_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
