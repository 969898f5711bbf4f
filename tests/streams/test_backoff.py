import itertools
import random

from streams.backoff import backoff


def test_backoff_grows_to_the_cap_with_bounded_jitter():
    delays = list(itertools.islice(backoff(0.1, 2.0, jitter=0.2, rng=random.Random(1)), 10))
    assert 0.08 <= delays[0] <= 0.12
    assert all(b > a * 1.3 for a, b in zip(delays[:4], delays[1:5], strict=True))
    assert all(1.6 <= d <= 2.4 for d in delays[6:])
