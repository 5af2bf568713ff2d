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


def cpu_by_role(root: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by ``root`` and each process below it,
    by role: the API process(es), the audit writer, the jobs process. Per request, CPU is
    the figure a busy machine disturbs least (throughput drifts with whatever else runs)."""
    ticks = os.sysconf("SC_CLK_TCK")
    roles: dict[str, float] = {}
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # gone meanwhile
            continue
        role = _role(argv)
        roles[role] = roles.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
        pending.extend(int(child) for child in children)
    return roles


def _role(argv: str) -> str:
    if " jobs " in argv:
        return "jobs"
    if "multiprocessing.spawn" in argv:  # `serve --workers N`: a spawned API worker
        return "api"
    return "audit writer" if "multiprocessing" in argv else "api"
