#!/usr/bin/env bash
# Every benchmark behind docs/benchmarks.md, one after another (run on an otherwise idle machine).
#   bash benchmarks/run_all.sh [--with-model]      (--with-model adds the builtin backend's render figures)
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
echo "## machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB, load $(cut -d' ' -f1 /proc/loadavg)"
echo "## scene language: hvg check";           $py benchmarks/bench_check.py --runs 31
echo "## preview renderer";                     $py benchmarks/bench_preview.py --runs 5
echo "## hvg render --backend preview";         $py benchmarks/bench_render.py --backend preview --runs 3
echo "## synthetic data";                       $py benchmarks/bench_synth.py --runs 3
echo "## lowering and noise";                   $py benchmarks/bench_lower.py --runs 9
echo "## hvg eval vs preview render time";      $py benchmarks/eval_speed.py --runs 5 --cli
if [ "${1:-}" = "--with-model" ]; then
  echo "## model: sampler";                     $py benchmarks/bench_model.py all
  echo "## hvg render --backend builtin";       $py benchmarks/bench_render.py --backend builtin --quality standard --runs 3
fi
