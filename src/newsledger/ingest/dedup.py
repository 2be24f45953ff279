"""Near-duplicates: the same wire story run by several outlets with other chrome, cuts or edits.

MinHash signatures over word 5-shingles go into a datasketch LSH index, which proposes candidates
without comparing all pairs; a candidate is a copy when the estimated containment of the shorter
text in the longer is high (a cut copy is contained in the full one, though their Jaccard
similarity drops). Two articles about the same event share facts, not 5-word runs, so they stay
apart. Each copy links to the earliest copy known (by publication date, then arrival).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsledger.ingest.document import normalise_body

NUM_PERM = 128
#: Stored signatures are only comparable with ones made by the same scheme, so it is pinned.
SCHEME = "affine32"
SHINGLE = 5
#: LSH only proposes candidates; it is set low so a copy with a paragraph cut is still proposed.
LSH_THRESHOLD = 0.3
#: Estimated containment above which a candidate is a copy: copies measured here score 0.7 or
#: more, different articles on one event below 0.2.
CONTAINMENT = 0.5

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Signature:
    """A document's MinHash and its shingle count (needed to turn Jaccard into containment)."""

    minhash: MinHash
    shingles: int

    def to_bytes(self) -> bytes:
        return np.asarray(self.minhash.hashvalues, dtype=np.uint64).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> Signature:
        values = np.frombuffer(data, dtype=np.uint64)
        return cls(MinHash(num_perm=len(values), hashvalues=values, scheme=SCHEME), shingles)


def signature(body: str) -> Signature:
    tokens = _TOKEN.findall(normalise_body(body))
    shingles = {" ".join(tokens[i : i + SHINGLE]) for i in range(max(len(tokens) - SHINGLE + 1, 1))}
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return Signature(minhash, len(shingles))


def containment(a: Signature, b: Signature) -> float:
    """|A ∩ B| / min(|A|, |B|) estimated from the Jaccard estimate and the set sizes."""
    jaccard = float(a.minhash.jaccard(b.minhash))
    smaller = min(a.shingles, b.shingles) or 1
    return min(1.0, jaccard * (a.shingles + b.shingles) / ((1 + jaccard) * smaller))


@dataclass(frozen=True)
class Copy:
    """The outcome of linking one document: its origin, and earlier links that now move to it."""

    duplicate_of: str | None
    relinked: tuple[str, ...] = ()


class NearDuplicates:
    """An incremental index of documents; ``link`` places a new one among those already seen."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[str, Signature] = {}
        self._order: dict[str, tuple[str, int]] = {}
        self._origin: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, doc_id: str, sig: Signature, published: str | None, origin: str | None) -> None:
        """Register a document already linked (used when loading a store)."""
        if doc_id in self._signatures:
            return
        self._lsh.insert(doc_id, sig.minhash)
        self._signatures[doc_id] = sig
        self._order[doc_id] = (published or "9999", len(self._order))
        self._origin[doc_id] = origin or doc_id

    def link(self, doc_id: str, sig: Signature, published: str | None) -> Copy:
        """Find the copies of a new document and decide which is the origin of the group."""
        matches = [
            other
            for other in self._lsh.query(sig.minhash)
            if other != doc_id and containment(sig, self._signatures[other]) >= CONTAINMENT
        ]
        origins = {self._origin[other] for other in matches}
        self.add(doc_id, sig, published, None)
        if not origins:
            return Copy(None)
        earliest = min([*origins, doc_id], key=self._order.__getitem__)
        group = [d for d, o in self._origin.items() if o in origins or d == doc_id]
        relinked = tuple(d for d in group if d != earliest and self._origin[d] != earliest)
        for member in group:
            self._origin[member] = earliest
        return Copy(None if earliest == doc_id else earliest, relinked)
