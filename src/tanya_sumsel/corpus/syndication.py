"""Syndicated copies: the same story carried by several outlets, found by MinHash over word shingles
(datasketch's MinHash and LSH), so that it is cited once with 'juga diberitakan oleh …'."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

NUM_PERM = 128
SHINGLE_WORDS = 4
# Estimated Jaccard similarity of word 4-shingles from which two articles count as one story: copies that differ
# by a dateline, a byline or a trimmed last paragraph score 0.6-0.95; two reports of one event written
# independently score below 0.2.
THRESHOLD = 0.6
SEED = 1
SCHEME = "affine32"  # pinned: stored signatures are only comparable with ones made the same way


def signature(text: str) -> np.ndarray | None:
    """The MinHash of the text's word shingles (uint64 array), or None for a text too short to compare."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 2 * SHINGLE_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}
    from datasketch import MinHash  # here, not at import: it pulls scipy (~0.4 s) into every `ask`

    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    mh.update_batch(sorted(shingles))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def to_bytes(sig: np.ndarray) -> bytes:
    """A signature as stored (raw little-endian uint64; never a pickle)."""
    return np.asarray(sig, dtype="<u8").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    """A stored signature back as an array."""
    return np.frombuffer(raw, dtype="<u8").astype(np.uint64)


def clusters(signatures: Mapping[str, np.ndarray]) -> dict[str, str]:
    """Article id → cluster id (the cluster's smallest article id) for every article that has a copy."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    # One set of permutations for all: each MinHash would otherwise draw its own (half of this function's time
    # at 1,000 articles), which only `update` uses and these never call
    perms = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    hashes = {
        aid: MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=sig, permutations=perms, scheme=SCHEME)
        for aid, sig in signatures.items()
    }
    for aid, mh in hashes.items():
        lsh.insert(aid, mh)
    parent = {aid: aid for aid in hashes}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for aid, mh in hashes.items():
        for other in lsh.query(mh):
            if other != aid and mh.jaccard(hashes[other]) >= THRESHOLD:  # LSH finds candidates; the estimate decides
                a, b = sorted((root(aid), root(other)))
                parent[b] = a
    groups: dict[str, list[str]] = {}
    for aid in hashes:
        groups.setdefault(root(aid), []).append(aid)
    return {aid: min(members) for members in groups.values() if len(members) > 1 for aid in members}
