"""Scanners, one per module; :mod:`guardrails.registry` maps policy names to them."""
