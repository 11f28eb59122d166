"""Metric names read from PromQL expressions (``llmops.testing.promql``)."""

from __future__ import annotations

import pytest

from llmops.testing.promql import matcher_labels, metric_refs


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("up", {"up"}),
        ('up{job="gateway"} == 0', {"up"}),
        ("rate(llmops_a_total[5m])", {"llmops_a_total"}),
        ('sum by (le, route) (rate(h_bucket{route=~"/v1/.*"}[$__rate_interval]))', {"h_bucket"}),
        ("sum(rate(a_total[1m])) by (job) / ignoring(action) group_left sum(b)", {"a_total", "b"}),
        ("sum without (instance) (a) and on(job) b unless c", {"a", "b", "c"}),
        ("histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))", {"h_bucket"}),
        ("count(a == 1) or vector(0)", {"a"}),
        ("time() - max(last_run_seconds)", {"last_run_seconds"}),
        ("a offset 1h30m > bool 2e-3", {"a"}),
        ("a @ start() + b[5m:30s]", {"a", "b"}),
        ('label_replace(a, "dst", "$1 by (x)", "src", "(.*)")', {"a"}),
        ("topk(5, a) * 0x1F + .5 + Inf - NaN", {"a"}),
        ('{__name__="exact_name", job="x"}', {"exact_name"}),
        ('{__name__!="not_me"}', set()),
        ("sum(a) # a comment naming not_a_metric\n + b", {"a", "b"}),
        ("recording:rule:rate5m", {"recording:rule:rate5m"}),
        ('a{label="}{"} + b', {"a", "b"}),
        ('max by (model) (x{model=~"$model"})', {"x"}),
        ('quantile(0.9, a) + count_values("v", b)', {"a", "b"}),
    ],
)
def test_metric_names(expr: str, names: set[str]) -> None:
    assert metric_refs(expr).names == names


@pytest.mark.parametrize(
    ("expr", "patterns"),
    [
        ('sum({__name__=~"llmops_.*_dead_lettered_total"})', {"llmops_.*_dead_lettered_total"}),
        ("{__name__!~'x.*'}", set()),
        ("plain", set()),
    ],
)
def test_name_patterns(expr: str, patterns: set[str]) -> None:
    assert metric_refs(expr).patterns == patterns


@pytest.mark.parametrize(
    ("expr", "selectors"),
    [
        ("up", []),
        ('rate(a_total{x=~"$t", y!="1"}[5m])', [("a_total", {"x", "y"})]),
        ('a{v="not=\\"a_matcher\\""} + b {c!~"}"}', [("a", {"v"}), ("b", {"c"})]),
        ("a{} / on(job) b{job='x'}", [("a", set()), ("b", {"job"})]),
    ],
)
def test_matcher_labels(expr: str, selectors: list[tuple[str, set[str]]]) -> None:
    assert matcher_labels(expr) == [(metric, frozenset(labels)) for metric, labels in selectors]
