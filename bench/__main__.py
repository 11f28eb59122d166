"""Run benchmarks: ``python -m bench`` (all) or ``python -m bench gateway guardrails``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Benchmark modules in this package (every ``bench/<name>.py`` with a ``main``)."""
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all by default); return non-zero if any failed.

    Options after the names go to every named benchmark: ``python -m bench audit --records 2000``.
    """
    first_option = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    names, options = argv[:first_option] or available(), argv[first_option:]
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}",
            file=sys.stderr,
        )
        return 2
    failed = 0
    for name in names:
        print(f"\n### bench {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        failed += int(module.main(options) != 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
