import numpy as np
import pytest

from streams.dedup import Fingerprinter, jaccard, overlap
from streams.normalize import normalize
from tests.conftest import FIXTURES

ORIGINAL = (FIXTURES / "dedup" / "original.txt").read_text()


@pytest.fixture(scope="module")
def fingerprinter() -> Fingerprinter:
    return Fingerprinter(num_perm=64, bands=16, shingle=5)


def test_same_words_are_an_exact_copy_whatever_the_spacing_and_quotes(fingerprinter):
    a = fingerprinter.fingerprint(normalize(ORIGINAL))
    b = fingerprinter.fingerprint(normalize(ORIGINAL.replace('"', "\u201c").replace(" ", "  ")))
    assert a.exact == b.exact
    assert a.signature == b.signature and a.bands == b.bands


def test_signature_layout(fingerprinter):
    fp = fingerprinter.fingerprint(normalize(ORIGINAL))
    assert len(fp.signature) == 64 * 4
    assert len(fp.bands) == 16 and all(len(b) == 8 for b in fp.bands)
    assert fp.shingles > 300


def test_cut_copy_scores_by_containment(fingerprinter):
    full = normalize(ORIGINAL)
    cut = "\n\n".join(full.split("\n\n")[:-3])
    a, b = fingerprinter.fingerprint(full), fingerprinter.fingerprint(cut)
    assert jaccard(a.signature, b.signature) < 0.85
    assert overlap(a.signature, a.shingles, b.signature, b.shingles) >= 0.9


def test_unrelated_texts_do_not_overlap(fingerprinter):
    a = fingerprinter.fingerprint(normalize(ORIGINAL))
    b = fingerprinter.fingerprint(normalize((FIXTURES / "dedup" / "rewrite.txt").read_text()))
    assert overlap(a.signature, a.shingles, b.signature, b.shingles) < 0.2


def test_bands_must_divide_permutations():
    with pytest.raises(ValueError):
        Fingerprinter(num_perm=64, bands=10)
    with pytest.raises(ValueError):
        Fingerprinter(num_perm=64, bands=16, single_bands=65)


def test_single_row_bands_follow_the_wide_ones():
    wide = Fingerprinter(num_perm=128, bands=8).fingerprint(normalize(ORIGINAL))
    both = Fingerprinter(num_perm=128, bands=8, single_bands=16).fingerprint(normalize(ORIGINAL))
    assert both.bands[:8] == wide.bands and len(both.bands) == 24
    signature = np.frombuffer(both.signature, dtype="<u4")
    assert [int.from_bytes(b, "little") for b in both.bands[8:]] == signature[:16].tolist()
