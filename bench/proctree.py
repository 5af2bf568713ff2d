"""CPU seconds used by process trees, read from /proc (Linux), for the benchmarks."""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def tree_cpu_seconds(roots: list[int]) -> float:
    """CPU seconds used so far by ``roots`` and every live descendant (children that
    exited are counted in their parent's cutime/cstime once reaped)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    tree, todo = set(roots), list(roots)
    while todo:
        parent = todo.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        todo.extend(children)
    ticks = 0
    for pid in tree:
        fields = _stat(pid)
        if fields is not None:
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def postmaster_pid(root: Path) -> int | None:
    for pidfile in root.glob("*/pgdata/postmaster.pid"):
        return int(pidfile.read_text().split()[0])
    return None
