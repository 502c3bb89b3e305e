#!/usr/bin/env bash
# Set up hvg and render the bundled example with the built-in model: examples/beach.scene -> beach.mp4
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/hvg check examples/*.scene
.venv/bin/hvg render examples/beach.scene -o beach.mp4 --force --preview
echo "quickstart: wrote beach.mp4 and its contact sheet beach.preview.png"
