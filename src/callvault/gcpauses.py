"""Short garbage-collection pauses for the processes that answer requests.

CPython's full collection walks every container object the process holds, and a
server holds a great many that never die: its modules, FastAPI's routes, SQLAlchemy's
mappers, the redaction lexicons. Measured under 20 concurrent signed-in reads, the API
process made a full collection about every two seconds and each one stopped the event
loop for 60-120 ms, with twenty requests waiting behind it: that was the reads' p99
(bench/RESULTS.md, "load, fourth pass"). The audit writer's own full collections held
up the commits that every read waits for.

``freeze_startup_heap()`` is called once a process has built everything it keeps for
its lifetime: what survives a collection then is moved out of the collector's sight
(``gc.freeze``), so later full collections walk only what was made since. Objects made
at startup that die later in a reference cycle are not reclaimed: startup objects live
as long as the process, so that costs nothing in practice.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup_heap() -> None:
    """Collect what startup left behind, then exempt every survivor from later
    collections. Once per process: a process that builds apps one after another (the
    test suite) would otherwise keep every earlier app for good."""
    global _frozen
    if _frozen:
        return
    gc.collect()
    gc.freeze()
    _frozen = True
