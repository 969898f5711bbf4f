from streams.health import Sample, StallDetector


def test_progress_keeps_health_green_and_a_stall_turns_it_red():
    detector = StallDetector(stall_timeout=30)
    assert detector.observe(Sample(0, committed=0, lag=0)).ok
    assert detector.observe(Sample(10, committed=0, lag=5)).ok       # work arrived
    assert detector.observe(Sample(35, committed=4, lag=3)).ok       # it moved
    verdict = detector.observe(Sample(64, committed=4, lag=3))
    assert verdict.ok                                                # 29 s idle: not yet
    verdict = detector.observe(Sample(66, committed=4, lag=3))
    assert not verdict.ok
    assert "3 messages waiting" in verdict.reason and "no progress for 31s" in verdict.reason
    assert detector.observe(Sample(70, committed=7, lag=0)).ok       # caught up


def test_idle_without_lag_is_healthy_however_long():
    detector = StallDetector(stall_timeout=5)
    detector.observe(Sample(0, committed=9, lag=0))
    assert detector.observe(Sample(1000, committed=9, lag=0)).reason.startswith("idle")
