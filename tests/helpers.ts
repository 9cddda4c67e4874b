// Shared test plumbing: one GPU device per test file (a software adapter on machines without a
// GPU). A test that needs the GPU fails, never skips, when no adapter comes back.
import { normalMass } from '../src/spec/check';
import { expect } from 'vitest';
import { type AdapterChoice, acquireGpu, type GpuContext } from '../src/gpu/device';
import { layoutEntries } from '../src/gpu/layout';
import { ShaderReflection } from './reflect';

let ctx: Promise<GpuContext> | null = null;

/**
 * The tests' device: the adapter `acquireGpu` finds, or the one SPIKEGPU_TEST_ADAPTER names
 * (README: 'vulkan' runs every GPU test on SwiftShader's Vulkan driver, a second WGSL
 * implementation). Workgroups as large as the adapter allows, up to 1024.
 */
export function testGpu(): Promise<GpuContext> {
  const choice = process.env.SPIKEGPU_TEST_ADAPTER as AdapterChoice | undefined;
  if (choice && !['auto', 'hardware', 'software', 'vulkan'].includes(choice)) {
    throw new Error(`SPIKEGPU_TEST_ADAPTER must be auto, hardware, software or vulkan, got ${choice}`);
  }
  ctx ??= acquireGpu(testLimits, { adapter: choice });
  return ctx;
}

/** The limits the tests' devices ask for: workgroups as large as the adapter allows (up to 1024), 8 storage buffers. */
export const testLimits = (limits: GPUSupportedLimits) => ({
  maxStorageBuffersPerShaderStage: 8,
  maxComputeInvocationsPerWorkgroup: Math.min(1024, limits.maxComputeInvocationsPerWorkgroup),
  maxComputeWorkgroupSizeX: Math.min(1024, limits.maxComputeWorkgroupSizeX),
});

/** Runs a compute shader once over `inputs` (read-only u32 storage at binding 0) into a u32 output at binding 1. */
export async function runKernel(code: string, input: Uint32Array, outputWords: number, workgroups: number): Promise<Uint32Array> {
  const { device } = await testGpu();
  const inBuf = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
  new Uint32Array(inBuf.getMappedRange()).set(input);
  inBuf.unmap();
  const outBuf = device.createBuffer({ size: 4 * outputWords, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 4 * outputWords, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const layout = device.createBindGroupLayout({ entries: layoutEntries(new ShaderReflection(code).bindings(0)) });
  const pipeline = await device.createComputePipelineAsync({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
  });
  const bg = device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer: inBuf } }, { binding: 1, resource: { buffer: outBuf } }] });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bg);
  pass.dispatchWorkgroups(workgroups);
  pass.end();
  enc.copyBufferToBuffer(outBuf, 0, read, 0, 4 * outputWords);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = new Uint32Array(read.getMappedRange().slice(0));
  for (const b of [inBuf, outBuf, read]) b.destroy();
  return out;
}

import type { Network } from '../src/spec/network';
import { type RunOptions, type Simulation } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';

/**
 * Runs a network on the CPU reference (f64, or f32 when asked) and on the GPU, hands both to
 * `check`, and destroys them afterwards whatever `check` does.
 */
export async function runBoth(
  net: Network, run: RunOptions, check: (sims: { cpu: Simulation; gpu: Simulation }) => void | Promise<void>, precision: 'f64' | 'f32' = 'f64',
): Promise<void> {
  const { device } = await testGpu();
  const cpu = await createSimulation(net, { precision });
  const gpu = await createSimulation(net, { backend: 'gpu', device }).catch((e: unknown) => { cpu.destroy(); throw e; });
  try {
    await cpu.run(run);
    await gpu.run(run);
    await check({ cpu, gpu });
  } finally {
    cpu.destroy();
    gpu.destroy();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

/** Two spike-time lists match: the same count and each time within `tolerance` ms. */
export function expectSpikesWithin(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number): void {
  expect(got.length).toBe(want.length);
  for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(tolerance + 1e-9);
}

/** A device that refuses every allocation: validation and memory checks must refuse before any. */
export function fakeDevice(limits: Partial<GPUSupportedLimits> = {}): GPUDevice {
  const all = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20, maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupStorageSize: 16384, maxComputeWorkgroupsPerDimension: 65535,
    maxStorageBuffersPerShaderStage: 8, minUniformBufferOffsetAlignment: 256, ...limits };
  const refuse = () => { throw new Error('allocation attempted'); };
  return { limits: all, createBuffer: refuse, createBindGroup: refuse, createShaderModule: refuse, lost: new Promise(() => {}) } as unknown as GPUDevice;
}

/**
 * Whole-step delays of N(mean, sd) drawn again outside [lo, hi] and rounded halves up: delay k
 * takes the draws in [k − ½, k + ½) ∩ [lo, hi], renormalised by the mass kept; its mean and sd.
 */
export function roundedDelays(mean: number, sd: number, lo: number, hi = 4096): { p: (k: number) => number; mean: number; sd: number } {
  const z = normalMass(mean, sd, lo, hi), p = (k: number) => Math.max(0, normalMass(mean, sd, Math.max(k - 0.5, lo), Math.min(k + 0.5, hi))) / z;
  let m = 0, m2 = 0;
  for (let k = 1; k <= Math.ceil(mean + 12 * sd); k++) { m += k * p(k); m2 += k * k * p(k); }
  return { p, mean: m, sd: Math.sqrt(m2 - m * m) };
}
