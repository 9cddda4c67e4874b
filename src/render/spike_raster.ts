// A live spike raster drawn by the GPU from a simulation's recorded spikes: as each chunk is
// encoded, a compute pass scatters its (step, neuron) pairs from the simulation's records buffer
// into this view's history ring of bitmasks (GPU to GPU, nothing read back), and a fragment
// shader bins them into pixels. `rasterClasses` is the CPU reference of the shader's binning;
// `paintRaster` turns it into RGBA for a 2D canvas (the page's fallback without WebGPU).
import type { SpikeTap, SpikeTapChunk } from '../engine/gpu.js';
import { type ShaderLayout, bindGroup, bindNamed, layoutEntries, packStruct, readOnly, storage, struct, uniform, uniformBytes } from '../gpu/layout.js';
import type { SpikeList } from '../run/recorder.js';
import { UniformSlots } from '../gpu/uniform_slots.js';
import SPIKE_RASTER_WGSL from '../../shaders/spike_raster.wgsl?raw';

export interface RasterGeometry {
  /** Neurons shown (rows are bins of neurons, neuron 0 at the bottom). */
  neurons: number;
  /** Steps shown, the newest at the right edge. */
  window: number;
  /** Pixels. */
  width: number;
  height: number;
  /** Neurons below this index are excitatory (dark); the rest inhibitory (red). Default: all excitatory. */
  split?: number;
}

const RASTER_PARAMS = struct('RasterParams', { n: 'u32', words: 'u32', window: 'u32', head: 'u32', width: 'u32', height: 'u32', split: 'u32', pad: 'u32' });
const SCATTER_PARAMS = struct('ScatterParams', { count_word: 'u32', pairs_word: 'u32', capacity: 'u32', first: 'u32', n: 'u32', words: 'u32', window: 'u32', pad: 'u32' });
/** Group 0 is the drawing's (fragment stage), group 1 the scatter's (compute). */
const DRAW_BINDINGS = bindGroup(0, [uniform('R', RASTER_PARAMS), readOnly('history', 'array<u32>')]);
const SCATTER_BINDINGS = bindGroup(1, [uniform('C', SCATTER_PARAMS), readOnly('records', 'array<u32>'), storage('ring', 'array<atomic<u32>>')]);
/** shaders/spike_raster.wgsl's layout (tests/gpu_layouts.test.ts checks it against the shader). */
export const SPIKE_RASTER_LAYOUT: ShaderLayout = { structs: [RASTER_PARAMS, SCATTER_PARAMS], groups: [DRAW_BINDINGS, SCATTER_BINDINGS] };

export const MAX_RASTER_PIXELS = 8192;
export const MAX_RASTER_WINDOW = 1 << 20;

/** Pixel classes: no spike, an excitatory neuron fired, only inhibitory neurons fired. */
export const RASTER_EMPTY = 0, RASTER_EXCITATORY = 1, RASTER_INHIBITORY = 2;
/** RGBA of each class (the shader's colours, in bytes). */
export const RASTER_COLOURS: readonly (readonly [number, number, number, number])[] = [
  [255, 255, 255, 255], [20, 20, 31, 255], [217, 26, 26, 255],
];

/** Throws a RangeError naming the field and its limit (before anything is allocated). */
export function checkRasterGeometry(g: RasterGeometry): void {
  const int = (name: keyof RasterGeometry, v: number | undefined, lo: number, hi: number) => {
    if (v === undefined || !Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`raster ${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  int('neurons', g.neurons, 1, 2 ** 31);
  int('window', g.window, 1, MAX_RASTER_WINDOW);
  int('width', g.width, 1, MAX_RASTER_PIXELS);
  int('height', g.height, 1, MAX_RASTER_PIXELS);
  if (g.split !== undefined) int('split', g.split, 0, g.neurons);
  // The shader bins with 32-bit integer products.
  if (g.height * g.neurons > 0xffffffff) throw new RangeError(`raster height × neurons must stay below 2^32: at most ${Math.floor(0xffffffff / g.neurons)} pixels high for ${g.neurons} neurons`);
  if (g.width * g.window > 0xffffffff) throw new RangeError(`raster width × window must stay below 2^32: at most ${Math.floor(0xffffffff / g.window)} pixels wide for a window of ${g.window} steps`);
}

const binStart = (b: number, total: number, bins: number) => Math.floor((b * total) / bins);
const binEnd = (b: number, total: number, bins: number) => Math.min(Math.max(Math.floor(((b + 1) * total) / bins), binStart(b, total, bins) + 1), total);

/**
 * The CPU reference of shaders/spike_raster.wgsl: the class of every pixel (row-major, top row
 * first) when `head` steps have been simulated and the window shows steps [head − window, head).
 */
export function rasterClasses(spikes: SpikeList, head: number, g: RasterGeometry): Uint8Array {
  checkRasterGeometry(g);
  const { neurons: n, window: W, width, height } = g, split = g.split ?? n;
  // Each spike marks the pixels whose bins hold it. Bins are ranges of window positions
  // (columns) and neurons (rows); a position or neuron lies in a run of consecutive bins (more than
  // one when there are more pixels than items): [first, last] per item.
  const cols = coverage(W, width), rows = coverage(n, height);
  const out = new Uint8Array(width * height);
  for (let k = 0; k < spikes.step.length; k++) {
    const step = spikes.step[k]!, i = spikes.neuron[k]!;
    if (step < head - W || step >= head || i >= n) continue;
    const cls = i < split ? RASTER_EXCITATORY : RASTER_INHIBITORY;
    const s0 = step - (head - W);
    for (let c = cols.first[s0]!; c <= cols.last[s0]!; c++) {
      for (let r = rows.first[i]!; r <= rows.last[i]!; r++) {
        const p = (height - 1 - r) * width + c;
        if (out[p] !== RASTER_EXCITATORY) out[p] = cls;
      }
    }
  }
  return out;
}

/** For each of `total` items, the first and last of the `bins` bins (binStart/binEnd) that hold it. */
function coverage(total: number, bins: number): { first: Int32Array; last: Int32Array } {
  const first = new Int32Array(total).fill(-1), last = new Int32Array(total);
  for (let b = 0; b < bins; b++) {
    for (let k = binStart(b, total, bins); k < binEnd(b, total, bins); k++) {
      if (first[k] === -1) first[k] = b;
      last[k] = b;
    }
  }
  return { first, last };
}

/** RGBA bytes of pixel classes (for a 2D canvas's ImageData). */
export function paintRaster(classes: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(4 * classes.length);
  for (let p = 0; p < classes.length; p++) rgba.set(RASTER_COLOURS[classes[p]!]!, 4 * p);
  return rgba;
}

/**
 * The GPU raster: attach it to a GPU simulation (`sim.addSpikeTap(raster)`), run, then `render`
 * into a canvas texture. It needs the simulation's device (`sim.device`).
 */
export class GpuSpikeRaster implements SpikeTap {
  private head = 0;
  private destroyed = false;
  private readonly uniform: GPUBuffer;
  private readonly scatterUniform: GPUBuffer;
  /** Each chunk's scatter values in a slot of its own: chunks encoded into one host encoder (sim.encode) wait for one submit. */
  private readonly scatterSlots: UniformSlots;
  private readonly history: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  /** The scatter's bind group per records buffer (a simulation alternates two). */
  private readonly scatterGroups = new WeakMap<GPUBuffer, GPUBindGroup>();
  private readonly packParams: (v: Record<string, number>) => ArrayBuffer;
  private readonly packScatter: (v: Record<string, number>) => ArrayBuffer;
  private readonly words: number;
  private offscreen: { texture: GPUTexture; buffer: GPUBuffer } | null = null;

  private constructor(
    readonly device: GPUDevice, readonly geometry: Required<RasterGeometry>, readonly format: GPUTextureFormat,
    private readonly pipeline: GPURenderPipeline, private readonly scatter: { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout },
  ) {
    this.words = Math.ceil(geometry.neurons / 32);
    const { neurons: n, window, split } = geometry;
    this.packParams = (v) => packStruct(RASTER_PARAMS, { n, words: this.words, window, split, ...v });
    this.packScatter = (v) => packStruct(SCATTER_PARAMS, { n, words: this.words, window, ...v });
    this.uniform = device.createBuffer({ label: 'spikegpu raster params', size: uniformBytes(RASTER_PARAMS), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.scatterUniform = device.createBuffer({ label: 'spikegpu raster scatter params', size: uniformBytes(SCATTER_PARAMS), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.scatterSlots = new UniformSlots(device, 'spikegpu raster scatter slots', uniformBytes(SCATTER_PARAMS));
    this.history = device.createBuffer({ label: 'spikegpu raster history', size: 4 * window * this.words, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.bindGroup = bindNamed(device, 'spikegpu raster', pipeline.getBindGroupLayout(0), DRAW_BINDINGS, { R: { buffer: this.uniform }, history: { buffer: this.history } });
  }

  /** Checks the geometry against the device, then builds the pipelines (drawing for `format` targets). */
  static async create(device: GPUDevice, geometry: RasterGeometry, format: GPUTextureFormat): Promise<GpuSpikeRaster> {
    checkRasterGeometry(geometry);
    const bytes = 4 * geometry.window * Math.ceil(geometry.neurons / 32);
    const cap = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (bytes > cap) throw new RangeError(`raster window × neurons need ${bytes} bytes of history; this device allows ${cap} in one buffer: show fewer steps`);
    const bindLayout = device.createBindGroupLayout({ label: 'spikegpu raster', entries: layoutEntries(DRAW_BINDINGS, GPUShaderStage.FRAGMENT) });
    const scatterLayout = device.createBindGroupLayout({ label: 'spikegpu raster scatter', entries: layoutEntries(SCATTER_BINDINGS) });
    const module = device.createShaderModule({ label: 'spikegpu spike_raster.wgsl', code: SPIKE_RASTER_WGSL });
    const [pipeline, scatter] = await Promise.all([
      device.createRenderPipelineAsync({
        label: 'spikegpu raster',
        layout: device.createPipelineLayout({ bindGroupLayouts: [bindLayout] }),
        vertex: { module, entryPoint: 'vs' },
        fragment: { module, entryPoint: 'fs', targets: [{ format }] },
        primitive: { topology: 'triangle-list' },
      }),
      device.createComputePipelineAsync({
        label: 'spikegpu raster scatter',
        // Group 0 is the drawing's: the scatter binds group 1 only.
        layout: device.createPipelineLayout({ bindGroupLayouts: [device.createBindGroupLayout({ entries: [] }), scatterLayout] }),
        compute: { module, entryPoint: 'scatter' },
      }),
    ]);
    return new GpuSpikeRaster(device, { split: geometry.neurons, ...geometry }, format, pipeline, { pipeline: scatter, layout: scatterLayout });
  }

  /** Steps seen so far (the newest shown step is head − 1). */
  get steps(): number { return this.head; }

  /** SpikeTap: clears the chunk's slots of the history ring, then scatters its spike pairs into them, on the GPU. */
  encode(encoder: GPUCommandEncoder, chunk: SpikeTapChunk): void {
    if (this.destroyed) return;
    if (chunk.neurons !== this.geometry.neurons) throw new RangeError(`raster for ${this.geometry.neurons} neurons attached to a network of ${chunk.neurons} neurons`);
    if (chunk.copies !== 1) throw new RangeError(`the raster shows one network; this simulation runs a batch of ${chunk.copies} copies`);
    const W = this.geometry.window, bytesPerStep = 4 * this.words;
    const end = chunk.firstStep + chunk.steps, start = Math.max(chunk.firstStep, end - W);
    for (let step = start; step < end;) {
      const slot = step % W, m = Math.min(end - step, W - slot);
      encoder.clearBuffer(this.history, slot * bytesPerStep, m * bytesPerStep);
      step += m;
    }
    this.scatterSlots.copy(encoder, this.packScatter({ count_word: chunk.countWord, pairs_word: chunk.pairsWord, capacity: chunk.capacity, first: start }), this.scatterUniform);
    let group = this.scatterGroups.get(chunk.buffer);
    if (!group) {
      group = bindNamed(this.device, 'spikegpu raster scatter', this.scatter.layout, SCATTER_BINDINGS, { C: { buffer: this.scatterUniform }, records: { buffer: chunk.buffer }, ring: { buffer: this.history } });
      this.scatterGroups.set(chunk.buffer, group);
    }
    const pass = encoder.beginComputePass({ label: 'spikegpu raster scatter' });
    pass.setPipeline(this.scatter.pipeline);
    pass.setBindGroup(1, group);
    // A grid-stride loop over the pairs: at most 256 workgroups, whatever the capacity.
    pass.dispatchWorkgroups(Math.max(1, Math.min(256, Math.ceil(chunk.capacity / 64))));
    pass.end();
    this.head = Math.max(this.head, end);
  }

  /** Draws the window ending at the newest step into `target` (a texture of width × height). */
  render(target: GPUTextureView): void {
    if (this.destroyed) throw new Error('this raster was destroyed');
    const { width, height } = this.geometry;
    this.device.queue.writeBuffer(this.uniform, 0, this.packParams({ head: this.head, width, height }));
    const enc = this.device.createCommandEncoder({ label: 'spikegpu raster' });
    const pass = enc.beginRenderPass({ colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: { r: 1, g: 1, b: 1, a: 1 } }] });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.draw(3);
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  /**
   * Renders into an offscreen texture and returns its RGBA pixels (top row first): for showing
   * the GPU's picture where a WebGPU canvas cannot be presented (headless Chromium on SwiftShader
   * loses the device when it presents one), and for tests. Needs an 'rgba8unorm' raster.
   */
  async readPixels(): Promise<Uint8ClampedArray<ArrayBuffer>> {
    if (this.format !== 'rgba8unorm') throw new Error(`readPixels needs a raster created for 'rgba8unorm', this one renders ${this.format}`);
    const { width, height } = this.geometry;
    const bytesPerRow = Math.ceil((4 * width) / 256) * 256;
    this.offscreen ??= {
      texture: this.device.createTexture({ label: 'spikegpu raster image', size: [width, height], format: 'rgba8unorm', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC }),
      buffer: this.device.createBuffer({ label: 'spikegpu raster pixels', size: bytesPerRow * height, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    };
    const { texture, buffer } = this.offscreen;
    this.render(texture.createView());
    const enc = this.device.createCommandEncoder({ label: 'spikegpu raster pixels' });
    enc.copyTextureToBuffer({ texture }, { buffer, bytesPerRow }, [width, height]);
    this.device.queue.submit([enc.finish()]);
    await buffer.mapAsync(GPUMapMode.READ);
    const rows = new Uint8Array(buffer.getMappedRange());
    const out = new Uint8ClampedArray(4 * width * height);
    for (let y = 0; y < height; y++) out.set(rows.subarray(y * bytesPerRow, y * bytesPerRow + 4 * width), 4 * width * y);
    buffer.unmap();
    return out;
  }

  /** Forgets every step (for a simulation that starts again from step 0). */
  reset(): void {
    this.head = 0;
    const enc = this.device.createCommandEncoder({ label: 'spikegpu raster reset' });
    enc.clearBuffer(this.history);
    this.device.queue.submit([enc.finish()]);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.uniform.destroy();
    this.scatterUniform.destroy();
    this.scatterSlots.buffer.destroy();
    this.history.destroy();
    this.offscreen?.texture.destroy();
    this.offscreen?.buffer.destroy();
  }
}
