"""RFC 6962 / RFC 9162 section 2.1 Merkle trees for the tamper-evident audit log.

The audit log is an append-only list of event hashes. Hashing is domain separated so a
leaf can never be passed off as an interior node (second-preimage defence)::

    leaf_hash(d)    = SHA-256(0x00 || d)
    node_hash(l, r) = SHA-256(0x01 || l || r)
    MTH([])         = SHA-256("")            (EMPTY_ROOT)

Index conventions: a perfect subtree ``(level, index)`` covers the leaves
``[index * 2**level, (index + 1) * 2**level)``; level 0 is a single leaf hash. The
database stores every perfect subtree as events are appended, so proofs are built from
O(log n) lookups instead of holding leaves in memory.

Everything here is pure: bytes and ints in, bytes out, no I/O.

Errors::

    ValueError        a caller passed an impossible argument (bad range, bad encoding)
     └── ProofError   a proof failed verification; always a security signal
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import TypeAlias

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_SIZE_BYTES = 8

SubtreeLookup: TypeAlias = Callable[[int, int], bytes]
"""``subtree(start, end)`` returns MTH(D[start:end])."""

PerfectLookup: TypeAlias = Callable[[int, int], bytes]
"""``perfect(level, index)`` returns the stored hash of that perfect subtree."""

CompletedSubtree: TypeAlias = tuple[int, int, bytes]
"""``(level, index, hash)`` of a perfect subtree."""


class ProofError(ValueError):
    """An inclusion or consistency proof does not verify."""


def leaf_hash(data: bytes) -> bytes:
    """Hash one log entry; the 0x00 prefix keeps leaves distinct from nodes."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two child hashes; the 0x01 prefix keeps nodes distinct from leaves."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def root_from_leaf_hashes(hashes: Iterable[bytes]) -> bytes:
    """Return MTH over ``hashes`` in one streaming pass with O(log n) memory.

    A stack holds the perfect subtrees completed so far (the frontier). Each new leaf
    merges with the stack top once per trailing 1-bit of the count so far, so the work
    is exactly n - 1 node hashes; inlined because this loop is ``audit verify``'s hot path.
    """
    sha256, prefix = hashlib.sha256, _NODE_PREFIX
    stack: list[bytes] = []
    for count, leaf in enumerate(hashes):
        current, carry = leaf, count
        while carry & 1:
            current = sha256(prefix + stack.pop() + current).digest()
            carry >>= 1
        stack.append(current)
    return _fold_right(stack)


def _fold_right(hashes: Sequence[bytes]) -> bytes:
    """Combine perfect subtrees (largest first) the way MTH splits an imperfect tree."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(left, root)
    return root


def _split_point(size: int) -> int:
    """Largest power of two strictly below ``size`` (>= 2): RFC 6962's ``k``."""
    return 1 << ((size - 1).bit_length() - 1)


def _is_power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


def _require_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, expected {HASH_SIZE}")


class Frontier:
    """The perfect left subtrees (compact range) of a tree: enough to append and get roots.

    Holds one hash per 1-bit of ``size``, largest subtree first, so appending is O(log n)
    and the whole state fits in one database column (see ``to_bytes``).
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int, hashes: Sequence[bytes]) -> None:
        if size < 0:
            raise ValueError("a frontier cannot have a negative size")
        if len(hashes) != size.bit_count():
            raise ValueError(f"a frontier of size {size} needs {size.bit_count()} hashes")
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError(f"frontier hashes must be {HASH_SIZE} bytes")
        self._size = size
        self._hashes = list(hashes)

    @classmethod
    def empty(cls) -> Frontier:
        return cls(0, [])

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf_hash: bytes) -> list[CompletedSubtree]:
        """Add one leaf hash; return every perfect subtree it completes, leaf first.

        The caller stores these as ``(level, index)`` rows so that proofs can later be
        served through ``subtree_from_perfect``.
        """
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes")
        position = self._size
        completed = [(0, position, leaf_hash)]
        current, level = leaf_hash, 0
        while (position >> level) & 1:
            current = node_hash(self._hashes.pop(), current)
            level += 1
            completed.append((level, position >> level, current))
        self._hashes.append(current)
        self._size += 1
        return completed

    def root(self) -> bytes:
        return _fold_right(self._hashes)

    def to_bytes(self) -> bytes:
        """Size as 8 bytes big-endian, then the subtree hashes, largest first."""
        return self._size.to_bytes(_SIZE_BYTES, "big") + b"".join(self._hashes)

    @classmethod
    def from_bytes(cls, data: bytes) -> Frontier:
        """Inverse of ``to_bytes``; rejects any length that does not match the size."""
        if len(data) < _SIZE_BYTES:
            raise ValueError("frontier encoding is shorter than its size field")
        size = int.from_bytes(data[:_SIZE_BYTES], "big")
        body = data[_SIZE_BYTES:]
        if len(body) != size.bit_count() * HASH_SIZE:
            raise ValueError(f"frontier of size {size} has {len(body)} bytes of hashes")
        hashes = [body[i : i + HASH_SIZE] for i in range(0, len(body), HASH_SIZE)]
        return cls(size, hashes)

    def __repr__(self) -> str:
        return f"Frontier(size={self._size})"


def subtree_from_perfect(start: int, end: int, perfect: PerfectLookup) -> bytes:
    """MTH(D[start:end]) from stored perfect subtrees, in O(log n) lookups.

    Every range that PATH and SUBPROOF ask for starts at a multiple of the largest power
    of two in its length, so it splits into aligned perfect subtrees, one per 1-bit of
    the length. Other ranges are not nodes of any tree and are refused.
    """
    length = end - start
    if start < 0 or length < 0:
        raise ValueError(f"invalid leaf range [{start}, {end})")
    if length == 0:
        return EMPTY_ROOT
    if start % (1 << (length.bit_length() - 1)):
        raise ValueError(f"leaf range [{start}, {end}) is not aligned to perfect subtrees")
    pieces = []
    for level in reversed(range(length.bit_length())):
        if (length >> level) & 1:
            pieces.append(perfect(level, start >> level))
            start += 1 << level
    return _fold_right(pieces)


def inclusion_proof(index: int, size: int, subtree: SubtreeLookup) -> list[bytes]:
    """RFC 6962 section 2.1.1 PATH(index, D[0:size]), unrolled; hashes ordered leaf-up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    top_down: list[bytes] = []
    low, high = 0, size
    while high - low > 1:
        middle = low + _split_point(high - low)
        if index < middle:
            top_down.append(subtree(middle, high))
            high = middle
        else:
            top_down.append(subtree(low, middle))
            low = middle
    return top_down[::-1]


def consistency_proof(first: int, second: int, subtree: SubtreeLookup) -> list[bytes]:
    """RFC 6962 section 2.1.2 PROOF(first, D[0:second]) = SUBPROOF(first, D[0:second], true).

    Unrolled: ``whole`` is SUBPROOF's flag ``b``; it turns false once we descend right,
    because the old tree's root is then no longer a node the verifier already holds.
    """
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    top_down: list[bytes] = []
    low, high, whole = 0, second, True
    while first != high:
        middle = low + _split_point(high - low)
        if first <= middle:
            top_down.append(subtree(middle, high))
            high = middle
        else:
            top_down.append(subtree(low, middle))
            low, whole = middle, False
    if not whole:
        top_down.append(subtree(low, high))
    return top_down[::-1]


def _inclusion_proof_length(index: int, size: int) -> int:
    """Hashes below where the paths to ``index`` and ``size - 1`` meet, plus left siblings above."""
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def _consistency_proof_length(first: int, second: int) -> int:
    """Inclusion path of leaf ``first - 1`` above the old tree's largest perfect subtree,
    plus that subtree's hash unless it is the whole old tree (``first`` a power of two)."""
    shift = (first & -first).bit_length() - 1
    seed = 0 if _is_power_of_two(first) else 1
    return seed + _inclusion_proof_length(first - 1, second) - shift


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """The root implied by an inclusion proof (RFC 9162 section 2.1.3.2, steps 1-4)."""
    _require_hash(leaf_hash, "leaf hash")
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    for item in proof:
        _require_hash(item, "proof hash")
    expected = _inclusion_proof_length(index, size)
    if len(proof) != expected:
        raise ProofError(f"inclusion proof has {len(proof)} hashes, expected {expected}")
    fn, sn, root = index, size - 1, leaf_hash
    for sibling in proof:
        if fn & 1 or fn == sn:
            root = node_hash(sibling, root)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = node_hash(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    return root


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless ``leaf_hash`` is at ``index`` in the ``size``-leaf tree ``root``."""
    if root_from_inclusion_proof(leaf_hash, index, size, proof) != root:
        raise ProofError("inclusion proof does not lead to the expected root")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ProofError unless the tree of ``second`` leaves extends the tree of ``first``.

    Edge cases follow transparency-dev/merkle: proving from the empty tree is refused
    (every tree extends it, so such a proof shows nothing), and equal sizes need an
    empty proof and equal roots.
    """
    if first > second:
        raise ProofError(f"first size {first} is larger than second size {second}")
    if first <= 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    if first == second:
        if proof:
            raise ProofError("equal tree sizes need an empty consistency proof")
        if first_root != second_root:
            raise ProofError("equal tree sizes but different roots")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    for item in proof:
        _require_hash(item, "proof hash")
    expected = _consistency_proof_length(first, second)
    if len(proof) != expected:
        raise ProofError(f"consistency proof has {len(proof)} hashes, expected {expected}")
    old_root, new_root = _roots_from_consistency_proof(first, second, first_root, proof)
    if old_root != first_root:
        raise ProofError("consistency proof does not lead to the first root")
    if new_root != second_root:
        raise ProofError("consistency proof does not lead to the second root")


def _roots_from_consistency_proof(
    first: int, second: int, first_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """RFC 9162 section 2.1.4.2 steps 2-6: rebuild both roots from one path."""
    path = [first_root, *proof] if _is_power_of_two(first) else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    old_root = new_root = path[0]
    for item in path[1:]:
        if fn & 1 or fn == sn:
            old_root = node_hash(item, old_root)
            new_root = node_hash(item, new_root)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            new_root = node_hash(new_root, item)
        fn, sn = fn >> 1, sn >> 1
    return old_root, new_root
