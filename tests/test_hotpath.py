"""The per-event shortcuts give the same answers as the general code they stand in for."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from alerts.clock import ManualClock
from monitor.detect.normalize import _REPEAT, collapse, default_normalizer
from monitor.detect.sentiment import QUESTION_ENDINGS, QUESTION_FORMS, RHETORICAL, is_question
from monitor.events import CommentEvent
from monitor.metrics import PIPELINE_BUCKETS, LabelCache, LatencyHistogram, ServiceMetrics
from monitor.pipeline import Pipeline

NORM = default_normalizer()
# Characters the folds, the run collapse and the phrase lists care about, plus anything.
EVASIVE = "是不是会有没怎么还为什么吗呢吧？?加微信 vx1２三哈哈"
TEXT = st.text(alphabet=EVASIVE, max_size=30) | st.text(max_size=30)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_collapse_matches_the_run_regex(text: str) -> None:
    assert collapse(text) == _REPEAT.sub(r"\1", text)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_pinyin_and_digit_views_match_plain_translate_tables(text: str) -> None:
    views = NORM.views(text)
    assert views.pinyin == views.collapsed.translate(dict(NORM.pinyin))
    assert NORM.digit_view(views.base) == views.base.translate(dict(NORM.digits))


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_question_and_rhetorical_searches_match_substring_tests(text: str) -> None:
    tail = text.rstrip()[-1:]
    by_substring = (
        tail in ("?", "？")
        or text.endswith(QUESTION_ENDINGS)
        or any(q in text for q in QUESTION_FORMS)
    )
    assert is_question(text, text) == by_substring
    pattern = re.compile("|".join(map(re.escape, RHETORICAL)))
    assert (pattern.search(text) is not None) == any(r in text for r in RHETORICAL)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.floats(min_value=0.0, max_value=5.0) | st.sampled_from([*PIPELINE_BUCKETS, 0.0, 9.0]),
        max_size=60,
    )
)
def test_latency_histogram_exposes_exactly_what_a_histogram_does(values: list[float]) -> None:
    plain, fast = CollectorRegistry(), CollectorRegistry()
    reference = Histogram("x_seconds", "Doc.", buckets=PIPELINE_BUCKETS, registry=plain)
    histogram = LatencyHistogram("x_seconds", "Doc.", buckets=PIPELINE_BUCKETS, registry=fast)
    for v in values:
        reference.observe(v)
        histogram.observe(v)
    assert generate_latest(fast) == generate_latest(plain)
    assert math.isclose(fast.get_sample_value("x_seconds_sum") or 0.0, sum(values))


def test_label_cache_hands_out_the_metric_s_own_children() -> None:
    counter = Counter("c_total", "Doc.", ["room", "kind"], registry=CollectorRegistry())
    cache = LabelCache(counter)
    cache[("r1", "comment")].inc(2)
    cache[("r1", "comment")].inc()
    assert cache[("r1", "comment")] is counter.labels("r1", "comment")
    assert counter.labels("r1", "comment")._value.get() == 3


def _pipeline(queue_size: int) -> tuple[Pipeline, ServiceMetrics, ManualClock]:
    metrics = ServiceMetrics(CollectorRegistry())
    clock = ManualClock(1_000.0)
    pipeline = Pipeline(
        detector=None,  # type: ignore[arg-type]  # nothing is processed here
        engine=None,  # type: ignore[arg-type]
        manager=None,  # type: ignore[arg-type]
        metrics=metrics,
        clock=clock,
        queue_size=queue_size,
    )
    return pipeline, metrics, clock


def _comments() -> list[CommentEvent]:
    return [
        CommentEvent(room=room, ts=990.0 + i, id=f"e{i}", source=source, text="hi")
        for i, (room, source) in enumerate(
            [("a", "s1"), ("b", "s1"), ("a", "s2"), ("a", ""), ("a", "s1"), ("b", "s1")]
        )
    ]


def _series(metrics: ServiceMetrics) -> dict[str, float]:
    out = {}
    for family in (metrics.events, metrics.source_lag, metrics.events_dropped):
        for metric in family.collect():
            for s in metric.samples:
                out[f"{s.name}{sorted(s.labels.items())}"] = s.value
    return out


def test_offer_many_counts_like_offering_one_by_one() -> None:
    one, one_metrics, _ = _pipeline(100)
    many, many_metrics, _ = _pipeline(100)
    for event in _comments():
        assert one.offer(event)
    assert many.offer_many(_comments()) == 6
    assert _series(many_metrics) == _series(one_metrics)


def test_offer_many_stops_at_a_full_queue_and_counts_the_drop_like_offer() -> None:
    one, one_metrics, _ = _pipeline(4)
    many, many_metrics, _ = _pipeline(4)
    taken = 0
    for event in _comments():
        if not one.offer(event):
            break
        taken += 1
    assert many.offer_many(_comments()) == taken == 4
    assert _series(many_metrics) == _series(one_metrics)
