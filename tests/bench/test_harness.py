"""Pure helpers of the benchmark harness."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner

from bench.harness import partition_of, percentile


def test_partition_of_agrees_with_the_kafka_default_partitioner():
    partitions = list(range(4))
    for key in (b"warmup-7-000001", b"bench-7-000042", b"x"):
        assert partition_of(key, 4) == DefaultPartitioner()(key, partitions, partitions)


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([0.3], 99) == 0.3
    assert percentile([], 50) is None


def test_process_cpu_memory_and_parents_read_proc():
    import os

    from bench.harness import _cpu, _parents, _rss

    spent = os.times()
    assert abs(_cpu(os.getpid()) - (spent.user + spent.system)) < 0.5
    assert _parents()[os.getpid()] == os.getppid()
    assert _cpu(2**22 + 1) == 0.0  # no such process
    assert 10 * 2**20 < _rss(os.getpid()) < 2**40
    assert _rss(2**22 + 1) == 0
