"""The audit log's Merkle tree against RFC 6962 known answers and independent references.

Known answers come from transparency-dev/merkle, converted to hex in
``shared/eval/rfc6962_vectors.json`` (a sibling of the repository root; its
``source.notes`` say how). Tests that need that file skip when it is absent; the
property tests below it check the same behaviour against recursive transcriptions
of the RFC and always run.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    subtree_from_perfect,
    verify_consistency,
    verify_inclusion,
)

SHARED_EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"  # beside the repo
VECTORS_PATH = SHARED_EVAL / "rfc6962_vectors.json"
PROBES_PER_KIND = 98


def _load_vectors() -> dict[str, Any] | None:
    if not VECTORS_PATH.is_file():
        return None
    vectors: dict[str, Any] = json.loads(VECTORS_PATH.read_text())
    return vectors


VECTORS = _load_vectors()
needs_vectors = pytest.mark.skipif(
    VECTORS is None, reason=f"RFC 6962 vectors not found at {VECTORS_PATH}"
)


def _probe_params(kind: str) -> list[Any]:
    """One param per upstream probe file, with a readable, unique id."""
    probes = VECTORS[kind] if VECTORS else []
    seen: Counter[str] = Counter()
    params = []
    for probe in probes:
        name = f"{probe['tree']}/{probe['file']}"
        seen[name] += 1
        suffix = f"#{seen[name]}" if seen[name] > 1 else ""
        params.append(pytest.param(probe, id=name + suffix))
    return params


def _unhex(values: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(value) for value in values]


def _vector_leaves() -> list[bytes]:
    assert VECTORS is not None
    return [leaf_hash(data) for data in _unhex(VECTORS["leaf_inputs_hex"])]


def _leaves(count: int) -> list[bytes]:
    return [leaf_hash(b"event-%d" % position) for position in range(count)]


# Recursive transcriptions of RFC 6962 section 2.1, kept naive on purpose so that they
# are an independent reference for the iterative code under test.


def _mth(hashes: Sequence[bytes]) -> bytes:
    if not hashes:
        return EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


def _path(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    if len(hashes) == 1:
        return []
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    if m < k:
        return [*_path(m, hashes[:k]), _mth(hashes[k:])]
    return [*_path(m - k, hashes[k:]), _mth(hashes[:k])]


def _subproof(m: int, hashes: Sequence[bytes], whole: bool) -> list[bytes]:
    if m == len(hashes):
        return [] if whole else [_mth(hashes)]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    if m <= k:
        return [*_subproof(m, hashes[:k], whole), _mth(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), _mth(hashes[:k])]


def _lookup(hashes: Sequence[bytes]) -> Callable[[int, int], bytes]:
    """A subtree lookup backed by a plain list of leaf hashes."""
    return lambda start, end: _mth(hashes[start:end])


def _accepts(check: Callable[[], None]) -> bool:
    """Only ProofError counts as a rejection; any other exception fails the test."""
    try:
        check()
    except ProofError:
        return False
    return True


# Known answers.


@needs_vectors
def test_hasher_known_answers() -> None:
    assert VECTORS is not None
    for case in VECTORS["hasher"]:
        want = bytes.fromhex(case["want"])
        if case["kind"] == "empty_root":
            assert want == EMPTY_ROOT, case["desc"]
        elif case["kind"] == "leaf":
            assert leaf_hash(bytes.fromhex(case["input_hex"])) == want, case["desc"]
        else:
            left, right = bytes.fromhex(case["left_hex"]), bytes.fromhex(case["right_hex"])
            assert node_hash(left, right) == want, case["desc"]


@needs_vectors
def test_root_of_every_prefix_matches_known_answers() -> None:
    assert VECTORS is not None
    leaves = _vector_leaves()
    roots = _unhex(VECTORS["root_hashes_by_size"])
    assert len(roots) == len(leaves) + 1
    frontier = Frontier.empty()
    for size, want in enumerate(roots):
        assert root_from_leaf_hashes(leaves[:size]) == want, size
        assert frontier.root() == want, size
        if size < len(leaves):
            frontier.append(leaves[size])


@needs_vectors
def test_perfect_subtrees_match_known_node_hashes() -> None:
    assert VECTORS is not None
    leaves = _vector_leaves()
    frontier = Frontier.empty()
    stored = {(lvl, idx): h for leaf in leaves for lvl, idx, h in frontier.append(leaf)}
    for level, hashes in enumerate(VECTORS["node_hashes_by_level"]):
        for index, want in enumerate(_unhex(hashes)):
            width = 1 << level
            assert _mth(leaves[index * width : (index + 1) * width]) == want
            assert stored[level, index] == want


@needs_vectors
def test_every_probe_is_present() -> None:
    assert VECTORS is not None
    assert len(VECTORS["inclusion"]) == PROBES_PER_KIND
    assert len(VECTORS["consistency"]) == PROBES_PER_KIND


@needs_vectors
@pytest.mark.parametrize("probe", _probe_params("inclusion"))
def test_inclusion_probe(probe: dict[str, Any]) -> None:
    proof = _unhex(probe["proof"])
    leaf, root = bytes.fromhex(probe["leafHash"]), bytes.fromhex(probe["root"])
    index, size = probe["leafIdx"], probe["treeSize"]
    accepted = _accepts(lambda: verify_inclusion(leaf, index, size, proof, root))
    assert accepted is not probe["wantErr"]


@needs_vectors
@pytest.mark.parametrize("probe", _probe_params("consistency"))
def test_consistency_probe(probe: dict[str, Any]) -> None:
    proof = _unhex(probe["proof"])
    root1, root2 = bytes.fromhex(probe["root1"]), bytes.fromhex(probe["root2"])
    first, second = probe["size1"], probe["size2"]
    accepted = _accepts(lambda: verify_consistency(first, second, root1, root2, proof))
    assert accepted is not probe["wantErr"]


def _probes_on_vector_tree(kind: str, size_key: str) -> list[dict[str, Any]]:
    """Accepted probes whose root is our tree's root of that size: the same tree."""
    assert VECTORS is not None
    roots = VECTORS["root_hashes_by_size"]
    return [
        probe
        for probe in VECTORS[kind]
        if not probe["wantErr"]
        and probe[size_key] < len(roots)
        and probe["root" if kind == "inclusion" else "root2"] == roots[probe[size_key]]
    ]


@needs_vectors
def test_generated_proofs_equal_the_known_proofs() -> None:
    lookup = _lookup(_vector_leaves())
    inclusion = _probes_on_vector_tree("inclusion", "treeSize")
    consistency = _probes_on_vector_tree("consistency", "size2")
    assert (len(inclusion), len(consistency)) == (5, 5)  # the happy paths of trees 0-4
    for probe in inclusion:
        generated = inclusion_proof(probe["leafIdx"], probe["treeSize"], lookup)
        assert generated == _unhex(probe["proof"]), probe["file"]
    for probe in consistency:
        generated = consistency_proof(probe["size1"], probe["size2"], lookup)
        assert generated == _unhex(probe["proof"]), probe["file"]


# Properties against the recursive reference.

SMALL_SIZES = range(1, 41)
LEAVES = _leaves(300)


def test_root_from_leaf_hashes_matches_the_recursive_definition() -> None:
    for size in range(301):
        assert root_from_leaf_hashes(LEAVES[:size]) == _mth(LEAVES[:size]), size
    assert root_from_leaf_hashes(iter(LEAVES)) == _mth(LEAVES)  # streams from an iterator


def test_generated_inclusion_proofs_follow_path_and_verify() -> None:
    for size in SMALL_SIZES:
        leaves, root = LEAVES[:size], _mth(LEAVES[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, _lookup(leaves))
            assert proof == _path(index, leaves), (index, size)
            verify_inclusion(leaves[index], index, size, proof, root)


def test_generated_consistency_proofs_follow_subproof_and_verify() -> None:
    for second in SMALL_SIZES:
        leaves = LEAVES[:second]
        for first in range(1, second + 1):
            proof = consistency_proof(first, second, _lookup(leaves))
            assert proof == _subproof(first, leaves, True), (first, second)
            verify_consistency(first, second, _mth(leaves[:first]), _mth(leaves), proof)


def _stored_perfect_subtrees(leaves: Sequence[bytes]) -> dict[tuple[int, int], bytes]:
    frontier = Frontier.empty()
    return {(lvl, idx): h for leaf in leaves for lvl, idx, h in frontier.append(leaf)}


def test_proofs_served_from_stored_perfect_subtrees_are_the_same() -> None:
    stored = _stored_perfect_subtrees(LEAVES[:40])
    from_storage = lambda start, end: subtree_from_perfect(  # noqa: E731
        start, end, lambda level, index: stored[level, index]
    )
    for size in SMALL_SIZES:
        lookup = _lookup(LEAVES[:size])
        for index in range(size):
            assert inclusion_proof(index, size, from_storage) == inclusion_proof(
                index, size, lookup
            )
        for first in range(1, size + 1):
            assert consistency_proof(first, size, from_storage) == consistency_proof(
                first, size, lookup
            )


def test_subtree_from_perfect_agrees_with_direct_mth_on_aligned_ranges() -> None:
    stored = _stored_perfect_subtrees(LEAVES[:64])
    for start in range(64):
        for end in range(start + 1, 65):
            if start % (1 << ((end - start).bit_length() - 1)) == 0:
                got = subtree_from_perfect(start, end, lambda lvl, idx: stored[lvl, idx])
                assert got == _mth(LEAVES[start:end]), (start, end)
    assert subtree_from_perfect(5, 5, lambda lvl, idx: b"") == EMPTY_ROOT


@pytest.mark.parametrize(("start", "end"), [(1, 3), (2, 6), (3, 5), (-1, 2), (4, 3)])
def test_subtree_from_perfect_refuses_ranges_that_are_not_tree_nodes(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="range"):
        subtree_from_perfect(start, end, lambda lvl, idx: b"\x00" * 32)


def test_frontier_roots_and_completed_subtrees_for_sizes_up_to_300() -> None:
    frontier, completed = Frontier.empty(), []
    assert frontier.root() == EMPTY_ROOT
    for position, leaf in enumerate(LEAVES):
        new = frontier.append(leaf)
        # Exactly the perfect subtrees whose last leaf is this one, smallest first.
        ends_here = [lvl for lvl in range(9) if (position + 1) % (1 << lvl) == 0]
        assert [(lvl, idx) for lvl, idx, _ in new] == [(lvl, position >> lvl) for lvl in ends_here]
        completed.extend(new)
        assert frontier.size == position + 1
        assert frontier.root() == root_from_leaf_hashes(LEAVES[: position + 1])
    expected = {
        (level, index, _mth(LEAVES[index << level : (index + 1) << level]))
        for level in range(9)
        for index in range(300 >> level)
    }
    assert len(completed) == len(set(completed)) == len(expected)
    assert set(completed) == expected


def test_frontier_round_trips_through_one_column() -> None:
    frontier = Frontier.empty()
    for position, leaf in enumerate(LEAVES[:130]):
        encoded = frontier.to_bytes()
        assert len(encoded) == 8 + 32 * position.bit_count()
        assert encoded[:8] == position.to_bytes(8, "big")
        restored = Frontier.from_bytes(encoded)
        assert restored.to_bytes() == encoded
        assert restored.root() == frontier.root()
        assert restored.append(leaf) == frontier.append(leaf)
    assert repr(frontier) == "Frontier(size=130)"


@pytest.mark.parametrize(
    "encoded",
    [
        b"",
        b"\x00" * 7,
        (0).to_bytes(8, "big") + b"\x00" * 32,
        (1).to_bytes(8, "big"),
        (3).to_bytes(8, "big") + b"\x00" * 32,
        (3).to_bytes(8, "big") + b"\x00" * 65,
        (1).to_bytes(8, "big") + b"\x00" * 31,
    ],
    ids=["empty", "short-size", "extra-hash", "missing-hash", "one-of-two", "extra-byte", "cut"],
)
def test_frontier_from_bytes_rejects_wrong_lengths(encoded: bytes) -> None:
    with pytest.raises(ValueError, match="frontier"):
        Frontier.from_bytes(encoded)


def test_frontier_refuses_bad_state_and_bad_leaves() -> None:
    with pytest.raises(ValueError, match="negative"):
        Frontier(-1, [])
    with pytest.raises(ValueError, match="needs 2 hashes"):
        Frontier(3, [EMPTY_ROOT])
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier(1, [b"short"])
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier.empty().append(b"raw event, not a hash")


# Verifier strictness, independent of the vector file.

GOOD_PROOF = inclusion_proof(2, 5, _lookup(LEAVES[:5]))
ROOT5 = _mth(LEAVES[:5])

INCLUSION_REJECTS: dict[str, tuple[bytes, int, int, list[bytes], bytes]] = {
    "index-equals-size": (LEAVES[2], 5, 5, GOOD_PROOF, ROOT5),
    "negative-index": (LEAVES[2], -1, 5, GOOD_PROOF, ROOT5),
    "empty-tree": (LEAVES[0], 0, 0, [], EMPTY_ROOT),
    "short-leaf-hash": (LEAVES[2][:31], 2, 5, GOOD_PROOF, ROOT5),
    "short-proof-hash": (LEAVES[2], 2, 5, [GOOD_PROOF[0][:31], *GOOD_PROOF[1:]], ROOT5),
    "missing-hash": (LEAVES[2], 2, 5, GOOD_PROOF[:-1], ROOT5),
    "extra-hash": (LEAVES[2], 2, 5, [*GOOD_PROOF, ROOT5], ROOT5),
    "wrong-index": (LEAVES[2], 3, 5, GOOD_PROOF, ROOT5),
    "wrong-root": (LEAVES[2], 2, 5, GOOD_PROOF, EMPTY_ROOT),
}


@pytest.mark.parametrize("case", list(INCLUSION_REJECTS.values()), ids=list(INCLUSION_REJECTS))
def test_verify_inclusion_rejects(case: tuple[bytes, int, int, list[bytes], bytes]) -> None:
    verify_inclusion(LEAVES[2], 2, 5, GOOD_PROOF, ROOT5)
    with pytest.raises(ProofError):
        verify_inclusion(*case)


ROOT3 = _mth(LEAVES[:3])
PROOF_3_5 = consistency_proof(3, 5, _lookup(LEAVES[:5]))

CONSISTENCY_REJECTS: dict[str, tuple[int, int, bytes, bytes, list[bytes]]] = {
    "from-empty-to-empty": (0, 0, EMPTY_ROOT, EMPTY_ROOT, []),
    "from-empty": (0, 5, EMPTY_ROOT, ROOT5, []),
    "first-larger": (5, 3, ROOT5, ROOT3, PROOF_3_5),
    "equal-sizes-with-proof": (5, 5, ROOT5, ROOT5, [ROOT5]),
    "equal-sizes-other-root": (5, 5, ROOT5, ROOT3, []),
    "empty-proof": (3, 5, ROOT3, ROOT5, []),
    "short-proof-hash": (3, 5, ROOT3, ROOT5, [PROOF_3_5[0][:31], *PROOF_3_5[1:]]),
    "missing-hash": (3, 5, ROOT3, ROOT5, PROOF_3_5[:-1]),
    "extra-hash": (3, 5, ROOT3, ROOT5, [*PROOF_3_5, ROOT5]),
    "wrong-first-root": (3, 5, ROOT5, ROOT5, PROOF_3_5),
    "wrong-second-root": (3, 5, ROOT3, ROOT3, PROOF_3_5),
}


@pytest.mark.parametrize("case", list(CONSISTENCY_REJECTS.values()), ids=list(CONSISTENCY_REJECTS))
def test_verify_consistency_rejects(case: tuple[int, int, bytes, bytes, list[bytes]]) -> None:
    verify_consistency(3, 5, ROOT3, ROOT5, PROOF_3_5)
    verify_consistency(5, 5, ROOT5, ROOT5, [])
    with pytest.raises(ProofError):
        verify_consistency(*case)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (3, 3), (-1, 4)])
def test_inclusion_proof_refuses_impossible_arguments(index: int, size: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        inclusion_proof(index, size, _lookup(LEAVES))


@pytest.mark.parametrize(("first", "second"), [(0, 0), (0, 4), (5, 4), (-1, 4)])
def test_consistency_proof_refuses_impossible_arguments(first: int, second: int) -> None:
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(first, second, _lookup(LEAVES))


def _flip_bit(data: bytes, bit: int) -> bytes:
    bit %= len(data) * 8
    return data[: bit // 8] + bytes([data[bit // 8] ^ (1 << bit % 8)]) + data[bit // 8 + 1 :]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), size=st.integers(1, 64), bit=st.integers(0, 255))
def test_tampering_breaks_inclusion(data: st.DataObject, size: int, bit: int) -> None:
    index = data.draw(st.integers(0, size - 1))
    leaves = LEAVES[:size]
    proof, root = inclusion_proof(index, size, _lookup(leaves)), _mth(leaves)
    target = data.draw(st.integers(-1, len(proof) - 1))  # -1 means the leaf itself
    leaf = _flip_bit(leaves[index], bit) if target < 0 else leaves[index]
    if target >= 0:
        proof[target] = _flip_bit(proof[target], bit)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, root)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), second=st.integers(2, 64), bit=st.integers(0, 255))
def test_tampering_breaks_consistency(data: st.DataObject, second: int, bit: int) -> None:
    first = data.draw(st.integers(1, second - 1))
    leaves = LEAVES[:second]
    proof = consistency_proof(first, second, _lookup(leaves))
    target = data.draw(st.integers(0, len(proof) - 1))
    proof[target] = _flip_bit(proof[target], bit)
    with pytest.raises(ProofError):
        verify_consistency(first, second, _mth(leaves[:first]), _mth(leaves), proof)


def _synthetic_subtree(start: int, end: int) -> bytes:
    """Stands in for storage so a 2**20-leaf tree need not be built just to count hashes."""
    return hashlib.sha256(b"%d:%d" % (start, end)).digest()


@pytest.mark.parametrize("size", [2**20, 10**6])
def test_proofs_for_a_million_leaves_stay_small(size: int) -> None:
    for index in (0, 1, size // 3, size // 2, size - 2, size - 1):
        assert len(inclusion_proof(index, size, _synthetic_subtree)) <= 20
    for first in (1, 3, size // 3, size // 2 + 1, size - 1):
        assert len(consistency_proof(first, size, _synthetic_subtree)) <= 21


def test_perfect_tree_of_2_pow_20_has_20_hash_inclusion_proofs() -> None:
    for index in (0, 12345, 2**19, 2**20 - 1):
        assert len(inclusion_proof(index, 2**20, _synthetic_subtree)) == 20
    assert len(consistency_proof(2**20 - 1, 2**20, _synthetic_subtree)) == 21
