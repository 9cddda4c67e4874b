#!/usr/bin/env bash
# What is owed to a GPU machine, for device runs (bench/README.md): the machine has no Node.js,
# so it runs from .device/ (../shared/tools/device-pack.sh) and the built dist/.
#   here:   npm ci && npm run build && bash ../shared/tools/device-pack.sh && bash bench/device-run.sh pack-runtime
#           (and pack-tests for the tests part)
#   device: carry .device and dist; command: bash bench/device-run.sh suite   (then: seed-hh, tests)
#   (suite --only cobahh and suite --only seed,izhikevich split the suite over two calls)
# Further arguments go to the scripts (e.g. suite --quick to try it on a software adapter).
# Results go to $OUT: the GPU's name, the logs, the suite's results, the tests' report.
set -euo pipefail
part=${1:-suite}
out=${OUT:-bench/results}
if [ "$part" = pack-runtime ]; then
  # Here: the library's own dependencies (dist/ imports them; webgpu comes from env.sh), a few hundred kB.
  deps=$(node -e 'console.log(Object.keys(require("./package.json").dependencies).map((d) => "node_modules/" + d).join(" "))')
  mkdir -p .device && tar -cf - $deps | xz -T2 -6 > .device/runtime.tar.xz
  du -sh .device/runtime.tar.xz
  exit 0
fi
if [ "$part" = pack-tests ]; then
  # Here, not on the device: the test runner's packages without what the device gets elsewhere
  # (webgpu: env.sh) or the tests there do not use (Playwright, TypeScript's compiler): ~11 MB.
  tar -cf - --exclude=node_modules/webgpu --exclude=node_modules/playwright --exclude=node_modules/playwright-core \
    --exclude=node_modules/@playwright --exclude=node_modules/typescript --exclude=node_modules/@types \
    --exclude=node_modules/.cache node_modules | xz -T2 -6 > .device/node_modules.tar.xz
  du -sh .device/node_modules.tar.xz
  exit 0
fi
mkdir -p "$out"
[ -d node_modules/valibot ] || xz -dc .device/runtime.tar.xz | tar -xf -
[ "$part" != tests ] || [ -d node_modules/vitest ] || xz -dc .device/node_modules.tar.xz | tar -xf -
source .device/env.sh
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}   # silences the Vulkan loader (docs/platform.md)
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
  tests)
    # The vitest suite on the device's GPU (the tests take the hardware adapter when there is one).
    node node_modules/vitest/vitest.mjs run --outputFile.json="$out/vitest.json" "${@:2}" 2>&1 | tee "$out/tests.log"
    ;;
  *) echo "usage: bash bench/device-run.sh suite|seed-hh|tests (on the device) or pack-runtime|pack-tests (here)" >&2; exit 2 ;;
esac
