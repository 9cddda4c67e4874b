#!/usr/bin/env bash
# The benchmarks owed to a GPU machine, for one device run (bench/README.md): the machine has no
# Node.js, so it runs from .device/ (../shared/tools/device-pack.sh) and the built dist/.
#   here:   npm ci && npm run build && bash ../shared/tools/device-pack.sh
#   device: carry .device and dist; command: bash bench/device-run.sh suite   (then: seed-hh)
#   (suite --only cobahh and suite --only seed,izhikevich split the suite over two calls)
# Further arguments go to the scripts (e.g. suite --quick to try it on a software adapter).
# Results go to $OUT (at most 8 files come back): the GPU's name, the logs and bench/results/*.
set -euo pipefail
part=${1:-suite}
out=${OUT:-bench/results}
mkdir -p "$out"
source .device/env.sh
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}   # silences the Vulkan loader (PLATFORM.md)
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv > "$out/gpu.csv" 2>&1 || true
case "$part" in
  suite)
    # --memory-limit: WebGPU does not report device memory; an H100 has 80 GB.
    # The results are rewritten into $out after every case: a run cut short keeps what it measured.
    node bench/suite.js --memory-limit "${MEMORY_LIMIT:-80e9}" --out "$out" "${@:2}" 2>&1 | tee "$out/suite.log"
    ;;
  seed-hh)
    node bench/seed-network.js --repeats 9 --json "$out/seed-network.json" "${@:2}" 2>&1 | tee "$out/seed-network.log"
    node bench/hh-batch.js --json "$out/hh-batch.json" 2>&1 | tee "$out/hh-batch.log"
    ;;
  *) echo "usage: bash bench/device-run.sh suite|seed-hh" >&2; exit 2 ;;
esac
