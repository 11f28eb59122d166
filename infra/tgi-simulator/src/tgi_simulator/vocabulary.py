"""The built-in word list generated text is drawn from.

Plain lowercase English words without punctuation or spaces, so one word is one output
token and ``len(text.split())`` equals the number of generated tokens. The order is part
of the determinism contract: changing it changes every simulated answer.
"""

from __future__ import annotations

# fmt: off
WORDS: tuple[str, ...] = (
    "the", "model", "system", "data", "request", "response", "token", "stream", "latency",
    "service", "cluster", "network", "result", "value", "process", "signal", "pattern",
    "answer", "question", "context", "memory", "cache", "batch", "queue", "worker", "event",
    "metric", "record", "policy", "budget", "window", "layer", "vector", "index", "query",
    "source", "target", "report", "review", "summary", "feature", "sample", "dataset",
    "training", "inference", "deployment", "version", "release", "update", "change",
    "is", "are", "was", "can", "will", "should", "must", "may", "does", "makes", "shows",
    "uses", "needs", "keeps", "finds", "gives", "takes", "runs", "holds", "moves", "builds",
    "reads", "writes", "sends", "returns", "checks", "measures", "improves", "reduces",
    "a", "an", "this", "that", "each", "every", "some", "many", "most", "other", "new",
    "fast", "slow", "large", "small", "stable", "simple", "robust", "careful", "clear",
    "useful", "recent", "common", "local", "remote", "early", "late", "high", "low",
    "and", "or", "but", "so", "because", "while", "when", "if", "then", "also", "often",
    "usually", "rarely", "quickly", "slowly", "carefully", "together", "again", "already",
    "of", "in", "on", "for", "with", "from", "to", "by", "at", "over", "under", "between",
    "through", "across", "after", "before", "within", "without", "about", "around",
    "it", "we", "they", "you", "users", "teams", "engineers", "operators", "clients",
    "servers", "requests", "results", "answers", "models", "tokens", "errors", "limits",
)
# fmt: on
