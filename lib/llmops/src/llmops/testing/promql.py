"""Which metric names a PromQL expression reads, for checking dashboards and alert rules.

Prometheus parses an expression but does not say which series names it selects, so
this is a small tokenizer: it skips strings, comments, numbers and durations, range
and subquery brackets, function and aggregation names (an identifier followed by
``(``, or an aggregation followed by ``by``/``without``), keywords and the label
lists after ``by``/``without``/``on``/``ignoring``/``group_left``/``group_right``.
What remains are metric names. Inside ``{...}`` only ``__name__`` matchers count: an
``=`` matcher names a metric, an ``=~`` matcher is a pattern (negated ones select no
name). It assumes the expression parses (check that with Prometheus first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+|(?:\d+(?:ms|[smhdwy]))+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII
)
STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
NAME_MATCHER = re.compile(r"__name__\s*(=~|!=|!~|=)\s*(" + STRING.pattern + ")")
LABEL_LISTS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"})
AGGREGATIONS = frozenset(
    {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk"}
    | {"quantile", "limitk", "limit_ratio"}
)


@dataclass(frozen=True)
class MetricRefs:
    """The metrics an expression selects: exact names, and ``__name__=~`` regex patterns."""

    names: frozenset[str]
    patterns: frozenset[str]


def metric_refs(expr: str) -> MetricRefs:
    """The metric names and ``__name__`` patterns that ``expr`` selects."""
    names: set[str] = set()
    patterns: set[str] = set()
    i = 0
    while i < len(expr):
        char = expr[i]
        if char == "#":
            end = expr.find("\n", i)
            i = len(expr) if end < 0 else end
        elif char in "\"'`":
            i = _end_of(STRING, expr, i)
        elif char == "{":
            end = _closing(expr, i, "{", "}")
            _label_block(expr[i + 1 : end], names, patterns)
            i = end + 1
        elif char == "[":
            i = _closing(expr, i, "[", "]") + 1
        elif char.isdigit() or (char == "." and expr[i + 1 : i + 2].isdigit()):
            i = _end_of(NUMBER, expr, i)
        elif IDENT.match(expr, i):
            i = _identifier(expr, i, names)
        else:
            i += 1
    return MetricRefs(frozenset(names), frozenset(patterns))


def _identifier(expr: str, start: int, names: set[str]) -> int:
    """Classify the identifier at ``start`` (recording it if it is a metric); return the index after it."""
    match = IDENT.match(expr, start)
    assert match is not None
    word, end = match.group(), match.end()
    following = _skip_space(expr, end)
    lowered = word.lower()
    if lowered in LABEL_LISTS:
        return _closing(expr, following, "(", ")") + 1 if expr[following : following + 1] == "(" else end
    if lowered in KEYWORDS or expr[following : following + 1] == "(":
        return end
    next_word = IDENT.match(expr, following)
    if word in AGGREGATIONS and next_word and next_word.group().lower() in {"by", "without"}:
        return end
    names.add(word)
    return end


def _label_block(block: str, names: set[str], patterns: set[str]) -> None:
    for op, quoted in NAME_MATCHER.findall(block):
        value = quoted[1:-1]
        if op == "=":
            names.add(value)
        elif op == "=~":
            patterns.add(value)


def _end_of(pattern: re.Pattern[str], expr: str, start: int) -> int:
    match = pattern.match(expr, start)
    return match.end() if match else start + 1


def _skip_space(expr: str, start: int) -> int:
    while start < len(expr) and expr[start].isspace():
        start += 1
    return start


def _closing(expr: str, start: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one at ``start`` (strings inside skipped); end of text if none."""
    depth, i = 0, start
    while i < len(expr):
        char = expr[i]
        if char in "\"'`":
            i = _end_of(STRING, expr, i)
            continue
        depth += (char == opening) - (char == closing)
        if depth == 0:
            return i
        i += 1
    return len(expr)


SELECTOR = re.compile(r"([A-Za-z_:][A-Za-z0-9_:]*)\s*\{((?:[^}\"'`]|" + STRING.pattern + r")*)\}")
MATCHER = re.compile(r"([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)\s*(?:" + STRING.pattern + ")")


def matcher_labels(expr: str) -> list[tuple[str, frozenset[str]]]:
    """Each ``metric{...}`` selector of ``expr`` with the label names its matchers test.

    Strings are consumed whole, so a label value that looks like a matcher is not one.
    """
    return [(metric, frozenset(MATCHER.findall(block))) for metric, block in SELECTOR.findall(expr)]
