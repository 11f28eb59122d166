"""The embedded local stack: real servers (or wire-compatible stand-ins) as processes on loopback."""
