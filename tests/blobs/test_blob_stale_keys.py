"""``stale_keys``: the committed objects under a prefix last written before a moment,
what the orphan sweep (``lifecycle.orphans``) checks against the rows. Both stores."""

from __future__ import annotations

from datetime import timedelta

from callvault.blobs.interface import BlobStore
from callvault.db.base import utcnow


def put(store: BlobStore, key: str) -> None:
    with store.writer(key) as writer:
        writer.write(b"ciphertext")
        writer.commit()


def test_lists_committed_objects_under_the_prefix_only(store: BlobStore) -> None:
    for key in ("t1/a", "t1/b", "t2/c"):
        put(store, key)
    with store.writer("t1/uncommitted") as writer:
        writer.write(b"in flight")
        later = utcnow() + timedelta(minutes=1)

        assert sorted(store.stale_keys("t1/", later)) == ["t1/a", "t1/b"]
        assert list(store.stale_keys("t3/", later)) == []


def test_objects_written_after_the_moment_are_not_listed(store: BlobStore) -> None:
    put(store, "t1/a")
    assert list(store.stale_keys("t1/", utcnow() - timedelta(minutes=1))) == []
