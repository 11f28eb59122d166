"""Operator tools over the platform's topics: tail, trace and dead-letter inspection/replay.

Everything here reads Kafka *without a consumer group* (manual partition assignment,
no offset commits), so an operator can never steal a partition from a service or move
its committed offsets. The typer commands live in :mod:`llmops.cli.ops_commands`.
"""
