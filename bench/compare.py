"""Before/after in one run: runs a benchmark script of this directory at two commits, alternating, on the
same machine, the same database and the same Python environment.

    .venv/bin/python bench/compare.py REV_BEFORE REV_AFTER [--repeat 2] -- search.py --rounds 2

Each commit is checked out into a temporary git worktree (removed afterwards); the script runs there with
this checkout's interpreter, so the packages of that commit are imported (the script's own directory and
its parent come first on sys.path). Runs alternate (before, after, before, after, …) so that a machine
that gets busier during the run does not favour one side. The output of every run is printed as it is,
under a heading with the commit.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worktree_add(rev: str, parent: Path) -> Path:
    path = parent / rev.replace("/", "_")
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(path), rev], check=True)
    return path


def worktree_remove(path: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--repeat", type=int, default=1, help="runs per commit (alternating)")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    script = argv[split + 1 :]
    if not script:
        parser.error("Benchmark-Skript fehlt, z. B. -- search.py --rounds 2")
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        shared = ROOT.parent / "shared"
        if shared.is_dir():  # the benchmarks read ../shared/data beside the checkout
            (Path(tmp) / "shared").symlink_to(shared)
        trees = {rev: worktree_add(rev, Path(tmp)) for rev in (args.before, args.after)}
        try:
            for run in range(1, args.repeat + 1):
                for rev, tree in trees.items():
                    commit = subprocess.run(
                        ["git", "-C", str(tree), "log", "-1", "--format=%h %s"], capture_output=True, text=True
                    ).stdout.strip()
                    print(f"\n===== {rev} (Lauf {run}/{args.repeat}): {commit}", flush=True)
                    subprocess.run([sys.executable, str(tree / "bench" / script[0]), *script[1:]], cwd=tree, check=True)
        finally:
            for tree in trees.values():
                worktree_remove(tree)


if __name__ == "__main__":
    main()
