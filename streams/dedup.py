"""Fingerprints of normalised article text, and the rule that calls two texts copies.

Exact copies share ``exact``: a hash of the case-folded word stream, so whitespace,
quotes and punctuation do not count. Near copies are found with MinHash over word
5-shingles and LSH bands; a candidate is a copy when the estimated overlap reaches the
threshold.

Dedup has to be far cheaper than the NLP it saves, so no step loops over words in
Python: every shingle's hash comes from one vectorised polynomial hash over the word
stream's bytes (prefix sums, so a shingle's hash is a difference of two of them), and
rensa (Rust) turns the shingle hashes into the MinHash signature.

Overlap is the larger of two estimates: Jaccard of the shingle sets, and containment of
the shorter text in the longer. Containment is what recognises the commonest wire copy,
the same story with its last paragraphs cut: its Jaccard falls with every paragraph
cut, while nearly all of it is still inside the original. A rewrite by another outlet
shares few 5-word runs and scores low on both.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rensa import RMinHash

# Word characters: ASCII letters and digits, and every byte of a non-ASCII UTF-8
# character. Splitting bytes this way is three times faster than a \w+ regex.
_TO_SPACE = bytes(b if chr(b).isalnum() or b >= 128 else 32 for b in range(256))
_SPACE = 32
# Polynomial hash base (odd, so invertible modulo 2**64) and the murmur3 finaliser.
_BASE = 0x100000001B3
_FMIX = (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_SEED = 1
BAND_BYTES = 8


@dataclass(frozen=True)
class Fingerprint:
    """What dedup stores and compares of one article.

    ``signature`` packs the MinHash values as little-endian uint32; ``shingles`` is the
    size of the shingle set (for containment); ``bands`` are ``BAND_BYTES``-long LSH
    band digests.
    """

    exact: str
    signature: bytes
    shingles: int
    bands: tuple[bytes, ...]


@dataclass(frozen=True)
class DedupDecision:
    """Whether an article is a copy, of which original, and how alike they are."""

    article_id: str
    duplicate_of: str | None
    similarity: float
    kind: Literal["exact", "near"] | None

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None


def _fmix(x: np.ndarray) -> np.ndarray:
    """Spread the bits of 64-bit hashes (murmur3's finaliser): polynomial hashes of
    similar strings differ mostly in their high bits."""
    x = x ^ (x >> np.uint64(33))
    x = x * _FMIX[0]
    x = x ^ (x >> np.uint64(33))
    x = x * _FMIX[1]
    return x ^ (x >> np.uint64(33))


def _powers(base: int, n: int) -> np.ndarray:
    """base**0 .. base**(n-1) modulo 2**64 (uint64 arithmetic wraps)."""
    out = np.ones(n, dtype=np.uint64)
    np.cumprod(np.full(n - 1, base, dtype=np.uint64), out=out[1:])
    return out


class _Powers:
    """Powers of the hash base and of its inverse modulo 2**64, grown on demand."""

    def __init__(self) -> None:
        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up))
            self.up, self.down = _powers(_BASE, size), _powers(pow(_BASE, -1, 2**64), size)
        return self.up[:n], self.down[:n]


class Fingerprinter:
    """Computes fingerprints; one per worker (it keeps the hash base's powers)."""

    def __init__(self, num_perm: int = 64, bands: int = 16, shingle: int = 5,
                 single_bands: int = 0) -> None:
        """``bands`` LSH bands of ``num_perm // bands`` rows find close copies;
        ``single_bands`` more bands of one MinHash value each find copies that share
        less: a text half of whose shingles are in a copy twice its length has Jaccard
        0.18, which 16 bands of 4 rows find with probability 1 - (1 - 0.18**4)**16 =
        0.02 and 16 bands of one row with 1 - (1 - 0.18)**16 = 0.96. A band keeps the
        first original that took it, so a value many texts share (a feed's stock
        phrase) can hide the true original from a single-row band, never from all the
        wide bands of a close copy. An article meets at most one candidate per band."""
        if num_perm % bands:
            raise ValueError(f"num_perm={num_perm} must be a multiple of bands={bands}")
        if not 0 <= single_bands <= num_perm:
            raise ValueError(f"single_bands={single_bands} must be within num_perm={num_perm}")
        self.num_perm, self.bands, self.shingle = num_perm, bands, shingle
        self.single_bands = single_bands
        self._rows = num_perm // bands
        self._powers = _Powers()
        weights = np.random.default_rng(_SEED).integers(0, 2**63, self._rows, dtype=np.uint64)
        self._band_weights = weights * np.uint64(2) + np.uint64(1)

    def shingle_hashes(self, words: bytes) -> np.ndarray:
        """64-bit hashes of every run of ``shingle`` words of a space-joined word stream.

        With prefix sums P[i] = sum(c[k] * B**k, k < i), the hash of bytes [a, b) is
        (P[b] - P[a]) * B**-a: the same value wherever the run sits in the text.
        """
        codes = np.frombuffer(words, dtype=np.uint8)
        n = len(codes)
        up, down = self._powers.upto(n + 1)
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(codes * up[:n], out=prefix[1:])
        spaces = np.flatnonzero(codes == _SPACE)
        starts = np.concatenate(([0], spaces + 1))
        ends = np.concatenate((spaces, [n]))
        k = min(self.shingle, len(starts))
        first, last = starts[:len(starts) - k + 1], ends[k - 1:]
        return _fmix((prefix[last] - prefix[first]) * down[first])

    def fingerprint(self, text: str) -> Fingerprint:
        """Fingerprint of normalised text (``streams.normalize.normalize``)."""
        words = word_stream(text)
        exact = hashlib.blake2b(words, digest_size=12).hexdigest()
        if not words:
            return Fingerprint(exact, b"", 0, ())
        hashes = self.shingle_hashes(words)
        ordered = np.sort(hashes)
        distinct = 1 + int(np.count_nonzero(ordered[1:] != ordered[:-1]))
        [values] = RMinHash.digest_matrix_from_flat_token_hashes(
            hashes, [0, len(hashes)], self.num_perm, _SEED).to_rows()
        signature = np.array(values, dtype="<u4")
        return Fingerprint(exact, signature.tobytes(), distinct, self._band_digests(signature))

    def _band_digests(self, signature: np.ndarray) -> tuple[bytes, ...]:
        """One digest per band: a random linear combination of its rows modulo 2**64, so
        two bands share a digest only when their rows are equal; then the single-row
        bands' values."""
        digests = (signature.reshape(self.bands, self._rows).astype(np.uint64)
                   @ self._band_weights).astype("<u8").tobytes()
        digests += signature[:self.single_bands].astype("<u8").tobytes()
        return tuple(digests[i:i + BAND_BYTES] for i in range(0, len(digests), BAND_BYTES))


def word_stream(text: str) -> bytes:
    """The words a fingerprint is made of: case-folded, space-joined, punctuation gone."""
    return b" ".join(text.casefold().encode().translate(_TO_SPACE).split())


def jaccard(a: bytes, b: bytes) -> float:
    """Estimated Jaccard: the share of MinHash positions where two signatures agree."""
    if not a or len(a) != len(b):
        return 0.0
    x, y = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(x == y)) / len(x)


def overlap(a: bytes, size_a: int, b: bytes, size_b: int) -> float:
    """max(Jaccard, containment of the smaller set in the larger), from signatures.

    |A ∩ B| = J (|A| + |B|) / (1 + J); containment = |A ∩ B| / min(|A|, |B|).
    """
    j = jaccard(a, b)
    if j == 0.0 or min(size_a, size_b) == 0:
        return j
    common = j * (size_a + size_b) / (1 + j)
    return max(j, min(1.0, common / min(size_a, size_b)))


def pack_entry(article_id: str, fp: Fingerprint) -> bytes:
    """What the store keeps per original: shingle count, signature, then the id."""
    return struct.pack("<I", fp.shingles) + fp.signature + article_id.encode()


def unpack_entry(entry: bytes, signature_bytes: int) -> tuple[int, bytes, str]:
    """Inverse of ``pack_entry``."""
    (size,) = struct.unpack_from("<I", entry)
    return size, entry[4:4 + signature_bytes], entry[4 + signature_bytes:].decode()
