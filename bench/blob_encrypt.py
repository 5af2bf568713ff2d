"""Benchmark: streaming encrypt-and-store and decrypt of one large recording.

Measured (each repeated, best run kept, product and baseline interleaved):

- encrypt: ``BlobEncryptor`` fed 1 MiB chunks, ciphertext written to a
  ``LocalBlobStore`` writer, ``commit()`` (fsync + rename + dir fsync) included;
- baseline: raw ``cryptography`` AESGCM over the same bytes in memory, one call
  per segment (``DEFAULT_SEGMENT_SIZE``), one fresh nonce each, output discarded;
- decrypt: ``SegmentedBlob.iter_plaintext()`` over the stored blob;
- baseline: raw AESGCM decrypt of the baseline's ciphertext segments in memory.

Also measured, to explain the ratios: BlobEncryptor alone (no store) and the store
alone (plaintext through ``LocalBlobStore``, commit included).

Peak memory: a separate untimed pass, run first, streams the same amount of data
(chunks made by ``os.urandom`` one at a time, so no large buffer exists) through
encrypt-and-store and then decrypt, and reports the growth of the process's peak
RSS (``ru_maxrss``) and the ``tracemalloc`` peak.

Run from the repository root:  .venv/bin/python bench/blob_encrypt.py [--quick]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from callvault.blobs.local import LocalBlobStore
from callvault.crypto.blobformat import (
    DEFAULT_SEGMENT_SIZE,
    BlobEncryptor,
    SegmentedBlob,
    blob_associated_data,
    header_size,
)

MIB = 1024 * 1024
MB = 1_000_000
TARGET_RATIO = 0.6
TENANT_ID = "0" * 32
KEY_ID = "bench-key"
ROWS = [
    ("enc", "encrypt+store: BlobEncryptor -> LocalBlobStore, commit"),
    ("raw_enc", "baseline: raw AESGCM encrypt in memory"),
    ("raw_enc_file", "baseline B: raw AESGCM encrypt -> plain file, fsync"),
    ("dec", "decrypt: SegmentedBlob.iter_plaintext from LocalBlobStore"),
    ("raw_dec", "baseline: raw AESGCM decrypt in memory"),
    ("raw_dec_file", "baseline B: plain file read -> raw AESGCM decrypt"),
    ("enc_only", "breakdown: BlobEncryptor only, no store"),
    ("store_only", "breakdown: LocalBlobStore write+commit only, no crypto"),
]


def rss_peak_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Bench:
    def __init__(self, root: Path, size: int, chunk: int, segment: int) -> None:
        self.store = LocalBlobStore(root / "blobs")
        self.size = size
        self.chunk = chunk
        self.segment = segment
        self.dek = AESGCM.generate_key(bit_length=256)
        self.n = 0
        # The same length of AD as the product's (blob header + tenant/object binding).
        self.baseline_ad = os.urandom(header_size(KEY_ID)) + blob_associated_data(
            TENANT_ID, "f" * 32
        )

    def new_object(self) -> tuple[str, bytes]:
        self.n += 1
        object_id = f"{self.n:032x}"
        return f"{TENANT_ID}/{object_id}", blob_associated_data(TENANT_ID, object_id)

    # -- the product -------------------------------------------------------------

    def encrypt_store(self, chunks: Iterable[bytes]) -> tuple[float, str, bytes]:
        key, ad = self.new_object()
        start = time.perf_counter()
        encryptor = BlobEncryptor(
            self.dek, key_id=KEY_ID, associated_data=ad, segment_size=self.segment
        )
        with self.store.writer(key) as writer:
            for chunk in chunks:
                out = encryptor.update(chunk)
                if out:
                    writer.write(out)
            writer.write(encryptor.finalize())
            writer.commit()
        return time.perf_counter() - start, key, ad

    def open_blob(self, key: str, ad: bytes) -> SegmentedBlob:
        return SegmentedBlob(
            self.dek,
            associated_data=ad,
            ciphertext_size=self.store.size(key),
            read=lambda start, end: self.store.read(key, start, end),
        )

    def decrypt(self, key: str, ad: bytes) -> float:
        start = time.perf_counter()
        total = 0
        for piece in self.open_blob(key, ad).iter_plaintext():
            total += len(piece)
        elapsed = time.perf_counter() - start
        if total != self.size:
            raise SystemExit(f"decrypt returned {total} bytes, expected {self.size}")
        return elapsed

    def encrypt_only(self, chunks: Iterable[bytes]) -> float:
        _, ad = self.new_object()
        start = time.perf_counter()
        encryptor = BlobEncryptor(
            self.dek, key_id=KEY_ID, associated_data=ad, segment_size=self.segment
        )
        for chunk in chunks:
            encryptor.update(chunk)
        encryptor.finalize()
        return time.perf_counter() - start

    def store_only(self, chunks: Iterable[bytes]) -> float:
        key, _ = self.new_object()
        start = time.perf_counter()
        with self.store.writer(key) as writer:
            for chunk in chunks:
                writer.write(chunk)
            writer.commit()
        elapsed = time.perf_counter() - start
        self.store.delete(key)
        return elapsed

    # -- the baseline: raw AES-GCM in memory, same segments, nonce layout and AD size --

    def raw_encrypt(self, data: memoryview, keep: list[bytes] | None) -> float:
        aead = AESGCM(self.dek)
        prefix = os.urandom(4)
        segment = self.segment
        ad = self.baseline_ad
        start = time.perf_counter()
        for index, offset in enumerate(range(0, len(data), segment)):
            nonce = prefix + index.to_bytes(8, "big")
            out = aead.encrypt(nonce, data[offset : offset + segment], ad)
            if keep is not None:
                keep.append(nonce + out)
        return time.perf_counter() - start

    def raw_decrypt(self, segments: list[bytes]) -> float:
        aead = AESGCM(self.dek)
        start = time.perf_counter()
        total = 0
        for sealed in segments:
            view = memoryview(sealed)
            total += len(aead.decrypt(view[:12], view[12:], self.baseline_ad))
        elapsed = time.perf_counter() - start
        if total != self.size:
            raise SystemExit(f"raw decrypt returned {total} bytes, expected {self.size}")
        return elapsed

    # -- baseline B: raw AES-GCM plus a plain file (write + fsync / read) -------------

    def raw_encrypt_file(self, data: memoryview, path: Path) -> float:
        aead = AESGCM(self.dek)
        prefix = os.urandom(4)
        segment = self.segment
        ad = self.baseline_ad
        start = time.perf_counter()
        with path.open("wb") as file:
            for index, offset in enumerate(range(0, len(data), segment)):
                nonce = prefix + index.to_bytes(8, "big")
                file.write(nonce)
                file.write(aead.encrypt(nonce, data[offset : offset + segment], ad))
            file.flush()
            os.fsync(file.fileno())
        return time.perf_counter() - start

    def raw_decrypt_file(self, path: Path) -> float:
        aead = AESGCM(self.dek)
        sealed = 12 + self.segment + 16
        start = time.perf_counter()
        total = 0
        with path.open("rb", buffering=0) as file:
            while piece := file.read(sealed):
                view = memoryview(piece)
                total += len(aead.decrypt(view[:12], view[12:], self.baseline_ad))
        elapsed = time.perf_counter() - start
        if total != self.size:
            raise SystemExit(f"raw file decrypt returned {total} bytes, expected {self.size}")
        return elapsed


def fresh_chunks(size: int, chunk: int) -> Iterator[bytes]:
    """Random chunks made one at a time: no buffer of the whole recording exists."""
    remaining = size
    while remaining > 0:
        n = min(chunk, remaining)
        remaining -= n
        yield os.urandom(n)


def memory_pass(bench: Bench) -> dict[str, float]:
    gc.collect()
    rss_before = rss_peak_mib()
    tracemalloc.start()
    _, key, ad = bench.encrypt_store(fresh_chunks(bench.size, bench.chunk))
    _, enc_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    rss_after_enc = rss_peak_mib()
    bench.decrypt(key, ad)
    _, dec_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after_dec = rss_peak_mib()
    bench.store.delete(key)
    return {
        "rss_before": rss_before,
        "rss_growth_enc": rss_after_enc - rss_before,
        "rss_growth_dec": rss_after_dec - rss_after_enc,
        "rss_growth_total": rss_after_dec - rss_before,
        "tracemalloc_enc": enc_peak / MIB,
        "tracemalloc_dec": dec_peak / MIB,
    }


def profile(bench: Bench, chunks: list[bytes], top: int) -> None:
    """One encrypt+store and one decrypt under cProfile, top functions by own time."""
    profiler = cProfile.Profile()
    _, key, ad = profiler.runcall(bench.encrypt_store, chunks)
    print(f"\n== cProfile: encrypt+store (top {top} by own time) ==")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)
    profiler = cProfile.Profile()
    profiler.runcall(bench.decrypt, key, ad)
    print(f"\n== cProfile: decrypt (top {top} by own time) ==")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)
    bench.store.delete(key)


def mbps(size: int, seconds: float) -> float:
    return size / MB / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size-mb", type=int, default=None, help="recording size in MB (10^6 B; default 200)"
    )
    parser.add_argument("--chunk-kib", type=int, default=1024, help="feed chunk size in KiB")
    parser.add_argument(
        "--segment-size",
        type=int,
        default=DEFAULT_SEGMENT_SIZE,
        help=f"segment size in bytes (default DEFAULT_SEGMENT_SIZE = {DEFAULT_SEGMENT_SIZE})",
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="runs per measurement, best kept (default 3)"
    )
    parser.add_argument("--dir", type=Path, default=None, help="where to make the temp dir")
    parser.add_argument("--quick", action="store_true", help="tiny run: 16 MB, 1 repeat")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one encrypt+store and one decrypt"
    )
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the encrypt-only/store-only rows"
    )
    args = parser.parse_args()
    if args.size_mb is None:
        args.size_mb = 16 if args.quick else 200
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3

    size = args.size_mb * MB
    chunk = args.chunk_kib * 1024
    tmp_parent = args.dir if args.dir is not None else Path(tempfile.gettempdir())
    root = Path(tempfile.mkdtemp(prefix="callvault-bench-", dir=tmp_parent))
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(
        f"recording {args.size_mb} MB ({size} B) in {chunk} B chunks, segment {args.segment_size}"
        f" B, best of {args.repeats}; blobs in {root}"
    )
    try:
        bench = Bench(root, size, chunk, args.segment_size)
        mem = memory_pass(bench)

        data = os.urandom(size)
        view = memoryview(data)
        chunks = [data[i : i + chunk] for i in range(0, size, chunk)]
        del data  # `chunks` holds the bytes; `view` is only read by the baseline

        times: dict[str, list[float]] = {name: [] for name, _ in ROWS}
        sealed: list[bytes] = []
        stored: tuple[str, bytes] | None = None
        raw_file = root / "raw-baseline.bin"
        # Product and baselines interleaved in each round, so drift hits them alike.
        for _ in range(args.repeats):
            if stored is not None:
                bench.store.delete(stored[0])
            elapsed, key, ad = bench.encrypt_store(chunks)
            times["enc"].append(elapsed)
            stored = (key, ad)
            sealed = []
            times["raw_enc"].append(bench.raw_encrypt(view, sealed))
            times["raw_enc"].append(bench.raw_encrypt(view, None))  # without keeping output
            raw_file.unlink(missing_ok=True)
            times["raw_enc_file"].append(bench.raw_encrypt_file(view, raw_file))
        assert stored is not None
        for _ in range(args.repeats):
            times["dec"].append(bench.decrypt(*stored))
            times["raw_dec"].append(bench.raw_decrypt(sealed))
            times["raw_dec_file"].append(bench.raw_decrypt_file(raw_file))
        bench.store.delete(stored[0])
        raw_file.unlink()
        del sealed
        if not args.no_breakdown:
            for _ in range(args.repeats):
                times["enc_only"].append(bench.encrypt_only(chunks))
                times["store_only"].append(bench.store_only(chunks))
        if args.profile:
            profile(bench, chunks, 15)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    best = {name: min(runs) for name, runs in times.items() if runs}
    print()
    print(f"{'measurement':66} {'best s':>7} {'MB/s':>7}  all runs (s)")
    for name, label in ROWS:
        if name in best:
            runs = " ".join(f"{t:.3f}" for t in times[name])
            print(f"{label:66} {best[name]:7.3f} {mbps(size, best[name]):7.0f}  {runs}")
    print()
    verdict = {True: "meets", False: "BELOW"}
    for what, product, baseline in [
        ("encrypt", "enc", "raw_enc"),
        ("decrypt", "dec", "raw_dec"),
    ]:
        ratio = best[baseline] / best[product]
        print(
            f"{what} ratio vs raw AESGCM in memory: {ratio:.3f}"
            f"  [{verdict[ratio >= TARGET_RATIO]} target >= {TARGET_RATIO}]"
        )
    print(
        f"encrypt ratio vs raw AESGCM + plain file + fsync:"
        f" {best['raw_enc_file'] / best['enc']:.3f}"
    )
    print(
        f"decrypt ratio vs raw AESGCM from a plain file: {best['raw_dec_file'] / best['dec']:.3f}"
    )
    if "enc_only" in best:
        print(
            f"BlobEncryptor-only ratio vs raw AESGCM in memory:"
            f" {best['raw_enc'] / best['enc_only']:.3f}"
        )
    print()
    print(
        f"memory pass ({args.size_mb} MB streamed, no whole-recording buffer):"
        f" peak RSS {mem['rss_before']:.1f} MiB before;"
        f" growth {mem['rss_growth_enc']:.1f} MiB during encrypt+store,"
        f" {mem['rss_growth_dec']:.1f} MiB more during decrypt"
        f" (total {mem['rss_growth_total']:.1f} MiB);"
        f" tracemalloc peak {mem['tracemalloc_enc']:.1f} MiB encrypt,"
        f" {mem['tracemalloc_dec']:.1f} MiB decrypt"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
