// One GPU entry point: the browser's navigator.gpu, Node's `webgpu` (dawn.node, with a software
// fallback on Mesa llvmpipe; loaded only through the Node entry, src/node.ts), or a GPUDevice the
// caller already owns.
import { type NodeWebGpu, isNode, nodePlatform } from '../platform.js';

/**
 * Which adapter Node's `webgpu` gives (see GpuOptions.adapter).
 * @inline
 */
export type AdapterChoice = 'auto' | 'hardware' | 'software' | 'vulkan';

export interface GpuOptions {
  /** A device the caller owns; spikegpu never destroys it. */
  device?: GPUDevice;
  /**
   * Node only. 'auto' tries a hardware adapter first and falls back to a software one (Mesa's
   * llvmpipe through OpenGL ES); 'vulkan' takes Dawn's Vulkan adapter even when it is a software
   * one (SwiftShader, with VK_ICD_FILENAMES pointing at its ICD): WGSL compiled to SPIR-V, as for
   * NVIDIA's and AMD's drivers, with another implementation's float math.
   */
  adapter?: AdapterChoice;
}

export interface GpuContext {
  readonly device: GPUDevice;
  /** Human-readable adapter name, e.g. "NVIDIA H100 80GB HBM3 (vulkan)". */
  readonly adapterName: string;
  readonly software: boolean;
  /** Destroys the device if spikegpu created it; idempotent. */
  destroy(): void;
}

/**
 * Limits a simulation needs; checked against the adapter before the device is requested.
 * @inline
 */
export type LimitRequest = Partial<Record<keyof GPUSupportedLimits, number>>;

export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

export class GpuLimitError extends Error {
  override name = 'GpuLimitError';
}

const NO_ADAPTER_HELP =
  'no WebGPU adapter found. In a browser use Chrome/Edge ≥ 113 on https or localhost. ' +
  'In Node, spikegpu uses the `webgpu` package: for a hardware GPU install its Vulkan driver ' +
  '(libvulkan1 and the vendor ICD); for the software adapter install Mesa ' +
  '(apt-get install libegl-mesa0 libgl1-mesa-dri libgles2).';

interface AdapterFound {
  adapter: GPUAdapter;
  software: boolean;
  backend: string;
  keepAlive: unknown;
}

async function nodeWebGpu(): Promise<NodeWebGpu> {
  let platform;
  try {
    platform = nodePlatform();
  } catch (e) {
    throw new GpuUnavailableError(`${NO_ADAPTER_HELP} (${(e as Error).message})`);
  }
  try {
    return await platform.webgpu();
  } catch (e) {
    throw new GpuUnavailableError(`${NO_ADAPTER_HELP} (loading the optional \`webgpu\` package failed: ${(e as Error).message}; install it with npm install webgpu)`);
  }
}

/** In Node, WebGPU's constants (GPUBufferUsage, GPUMapMode, …) as globals, which a caller's own device does not bring. */
async function installNodeGlobals(): Promise<void> {
  if (!isNode() || typeof (globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage !== 'undefined') return;
  Object.assign(globalThis, (await nodeWebGpu()).globals);
}

async function nodeAdapter(choice: AdapterChoice): Promise<AdapterFound | null> {
  const mod = await nodeWebGpu();
  await installNodeGlobals();
  if (choice !== 'software') {
    const gpu = mod.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter && (choice === 'vulkan' || !adapter.info.isFallbackAdapter)) {
      return { adapter, software: adapter.info.isFallbackAdapter, backend: 'vulkan', keepAlive: gpu };
    }
    if (choice !== 'auto') return null;
  }
  // Mesa's llvmpipe through OpenGL ES: a real WGSL implementation on the CPU (docs/platform.md).
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const gpu = mod.create(['backend=opengles']);
  const adapter = await gpu.requestAdapter({ featureLevel: 'compatibility' });
  return adapter ? { adapter, software: true, backend: 'opengles', keepAlive: gpu } : null;
}

async function findAdapter(choice: AdapterChoice): Promise<AdapterFound> {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  let found: AdapterFound | null = null;
  if (nav?.gpu) {
    const adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter) {
      const software = adapter.info?.isFallbackAdapter ?? false;
      found = { adapter, software, backend: 'browser', keepAlive: null };
    }
  } else if (isNode()) {
    found = await nodeAdapter(choice);
  }
  if (!found) throw new GpuUnavailableError(NO_ADAPTER_HELP);
  return found;
}

function describe(info: GPUAdapterInfo | undefined, backend: string): string {
  const parts = [info?.description, info?.device, info?.vendor, info?.architecture]
    .map((p) => p?.trim())
    .filter((p, k, all): p is string => !!p && all.indexOf(p) === k);
  return `${parts.join(', ') || 'unknown adapter'} (${backend})`;
}

/** Checks `needs` against what a device or adapter supports; throws naming the limit. */
function checkLimits(have: GPUSupportedLimits, needs: LimitRequest, what: string): void {
  for (const [key, want] of Object.entries(needs) as [keyof GPUSupportedLimits, number][]) {
    const got = have[key] as number;
    const isAlignment = key.endsWith('Alignment');
    if (isAlignment ? got > want : got < want) {
      throw new GpuLimitError(`${what} limit ${key} is ${got}, this network needs ${want}`);
    }
  }
}

function watch(device: GPUDevice, owned: boolean): void {
  device.lost.then((info) => {
    if (info.reason !== 'destroyed' || !owned) console.error(`spikegpu: GPU device lost (${info.reason}): ${info.message}`);
  });
}

/**
 * Opens a device that satisfies `needs`: fixed limits, or a function of the adapter's limits that
 * returns them (and may throw to refuse a network before anything is allocated). With
 * `options.device` the caller's device is checked and used as is (never destroyed). Throws
 * GpuUnavailableError when no adapter exists and GpuLimitError when limits fall short.
 */
export async function acquireGpu(
  needs: LimitRequest | ((limits: GPUSupportedLimits, software: boolean) => LimitRequest) = {},
  options: GpuOptions = {},
): Promise<GpuContext> {
  const resolve = (limits: GPUSupportedLimits, software: boolean) => (typeof needs === 'function' ? needs(limits, software) : needs);
  if (options.device) {
    const device = options.device;
    await installNodeGlobals();
    const software = device.adapterInfo?.isFallbackAdapter === true || /llvmpipe|swiftshader/i.test(describe(device.adapterInfo, ''));
    checkLimits(device.limits, resolve(device.limits, software), 'the supplied GPUDevice');
    return { device, adapterName: describe(device.adapterInfo, 'caller device'), software, destroy() {} };
  }
  const found = await findAdapter(options.adapter ?? 'auto');
  const want = resolve(found.adapter.limits, found.software);
  checkLimits(found.adapter.limits, want, `the adapter ${describe(found.adapter.info, found.backend)}`);
  const device = await found.adapter.requestDevice({ requiredLimits: want as Record<string, number> });
  watch(device, true);
  return new OwnedGpu(device, describe(found.adapter.info, found.backend), found.software, [found.adapter, found.keepAlive]);
}

/** A device spikegpu created. It holds its adapter and dawn.node instance: if those are garbage
 * collected while the device lives, dawn.node aborts the process (std::system_error). */
class OwnedGpu implements GpuContext {
  private destroyed = false;
  constructor(
    readonly device: GPUDevice,
    readonly adapterName: string,
    readonly software: boolean,
    private readonly owners: readonly unknown[],
  ) {}
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.device.destroy();
  }
}
