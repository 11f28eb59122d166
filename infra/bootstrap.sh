#!/usr/bin/env bash
# Set up a fresh machine for the embedded stack: system servers, uv, and the locked
# Python environment. Idempotent; called by `make setup` (and so by demo and test).
set -euo pipefail

UV_VERSION="0.13.8"
need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v docker-compose >/dev/null || need_apt+=(docker-compose)

if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing ${need_apt[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "bootstrap: missing ${need_apt[*]}: install with 'sudo apt-get install ${need_apt[*]}'" >&2
    exit 1
  fi
fi

if ! command -v uv >/dev/null || [[ "$(uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]]; then
  echo "bootstrap: installing uv ${UV_VERSION}"
  python3 -m pip install --quiet --disable-pip-version-check "uv==${UV_VERSION}"
fi

uv sync --frozen --python 3.11 --quiet
echo "bootstrap: environment ready (.venv)"
