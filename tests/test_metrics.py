"""The counters core modules keep, moved by real failures (a blob directory that is not
one any more, an S3 endpoint nobody answers at, a key file that is gone, a wrapped key
changed), and the sum of this process's values with those another process wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from callvault import metrics
from callvault.blobs.errors import BlobStoreUnavailable
from callvault.blobs.local import LocalBlobStore
from callvault.blobs.s3 import S3BlobStore
from callvault.crypto.errors import DecryptionFailed, KeyUnavailable
from callvault.crypto.keyprovider import LocalKeyFileProvider
from tests._serve import free_port


def scraped(name: str, **labels: str) -> float:
    """The value of one series in ``render()``'s exposition, as a scraper reads it."""
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


BLOB_ERRORS = "callvault_blob_store_errors_total"
KEY_ERRORS = "callvault_key_provider_errors_total"


def break_local_store(tmp_path: Path) -> LocalBlobStore:
    """A store whose directory was replaced by a file: every write really fails."""
    store = LocalBlobStore(tmp_path / "blobs")
    shutil.rmtree(store.root)
    store.root.write_bytes(b"not a directory")
    return store


def test_a_failing_local_store_counts_its_errors(tmp_path: Path) -> None:
    store = break_local_store(tmp_path)
    before = scraped(BLOB_ERRORS, store="local")
    with pytest.raises(BlobStoreUnavailable):
        store.writer("aa/bb")
    with pytest.raises(BlobStoreUnavailable):
        store.check()
    assert scraped(BLOB_ERRORS, store="local") == before + 2


@pytest.mark.usefixtures("aws_env")
def test_an_s3_endpoint_nobody_answers_counts_its_errors() -> None:
    store = S3BlobStore("recordings", endpoint_url=f"http://127.0.0.1:{free_port()}")
    before = scraped(BLOB_ERRORS, store="s3")
    with pytest.raises(BlobStoreUnavailable):
        store.check()
    with pytest.raises(BlobStoreUnavailable):
        store.size("aa/bb")
    assert scraped(BLOB_ERRORS, store="s3") == before + 2


def test_a_missing_object_is_not_an_error(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    before = scraped(BLOB_ERRORS, store="local")
    assert not store.exists("aa/bb")
    assert scraped(BLOB_ERRORS, store="local") == before


def test_key_provider_failures_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "root.key"
    loads, unwraps = (
        scraped(KEY_ERRORS, provider="local", operation=op) for op in ("load", "unwrap")
    )
    with pytest.raises(KeyUnavailable):
        LocalKeyFileProvider(path)
    assert scraped(KEY_ERRORS, provider="local", operation="load") == loads + 1

    LocalKeyFileProvider.create(path)
    provider = LocalKeyFileProvider(path)
    wrapped = bytearray(provider.wrap(b"k" * 32, b"tenant-key"))
    assert provider.unwrap(bytes(wrapped), b"tenant-key") == b"k" * 32
    wrapped[-1] ^= 1
    with pytest.raises(DecryptionFailed):
        provider.unwrap(bytes(wrapped), b"tenant-key")
    with pytest.raises(DecryptionFailed):
        provider.unwrap(b"\x01" + b"0" * 60, b"tenant-key")  # another root key's
    assert scraped(KEY_ERRORS, provider="local", operation="unwrap") == unwraps + 2
    assert scraped(KEY_ERRORS, provider="local", operation="load") == loads + 1


def test_values_another_process_wrote_are_added_to_this_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What serving with one worker does: its own values in memory, the jobs process's
    in files; a scrape shows their sum, once per series."""
    directory = tmp_path / "run" / "metrics"
    monkeypatch.setenv(metrics.MULTIPROC_ENV, "")  # so the variable is gone after the test
    metrics.use_multiprocess_dir(directory)  # sets the variable for the child only here
    child_env = {**os.environ}
    monkeypatch.delenv(metrics.MULTIPROC_ENV)
    store = break_local_store(tmp_path)
    with pytest.raises(BlobStoreUnavailable):
        store.check()
    mine = scraped(BLOB_ERRORS, store="local")
    child = textwrap.dedent(
        f"""
        from pathlib import Path
        from callvault import metrics
        from tests.test_metrics import break_local_store
        assert metrics.MULTIPROCESS
        store = break_local_store(Path({str(tmp_path / "child")!r}))
        for _ in range(3):
            try:
                store.check()
            except Exception:
                pass
        """
    )
    (tmp_path / "child").mkdir()
    subprocess.run([sys.executable, "-c", child], env=child_env, check=True, timeout=60)
    assert list(directory.glob("counter_*.db"))

    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(directory))
    assert scraped(BLOB_ERRORS, store="local") == mine + 3
    text = metrics.render().decode()
    assert text.count("# TYPE callvault_blob_store_errors_total counter") == 1


def test_a_stale_directory_is_emptied_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_1.db").write_bytes(b"left by an earlier run")
    # Set through monkeypatch first, so that it is gone after the test: a variable left
    # here would put every server a later test starts in another test's directory.
    monkeypatch.setenv(metrics.MULTIPROC_ENV, "")
    metrics.use_multiprocess_dir(directory)
    assert os.environ[metrics.MULTIPROC_ENV] == str(directory)
    assert list(directory.iterdir()) == []
    assert directory.stat().st_mode & 0o777 == 0o700
