// Compute pipelines cached per device by what defines them (the WGSL source, the entry point, its
// constants and the shape of its layout), so a second simulation of a network, a page's re-run or a
// benchmark's repeat compiles nothing. Layouts made from equal descriptors are interchangeable in
// WebGPU (group-equivalent), so a cached pipeline serves a new engine's bind groups.

/** Pipelines one device holds at most; the oldest goes first. */
const MAX_PIPELINES = 64;
/** Per device, gone with it (a WeakMap: the cache never keeps a device alive). */
const caches = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export interface PipelineSpec {
  label: string;
  code: string;
  entryPoint: string;
  constants?: Record<string, number>;
  /** The bind group layouts' entries, in group order: they, with the code, say which layout the pipeline needs. */
  groups: readonly (readonly GPUBindGroupLayoutEntry[])[];
  /** The pipeline layout to build it with, when it is not cached yet. */
  layout: GPUPipelineLayout;
  /** The shader module of `code`, made when first needed. */
  module: () => GPUShaderModule;
}

/** The pipeline `spec` describes: from the device's cache, or compiled (asynchronously) and cached. */
export function cachedPipeline(device: GPUDevice, spec: PipelineSpec): Promise<GPUComputePipeline> {
  let cache = caches.get(device);
  if (!cache) caches.set(device, (cache = new Map()));
  const key = JSON.stringify([spec.entryPoint, spec.constants ?? {}, spec.groups, spec.code]);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);  // most recently used last
    return hit;
  }
  const made = device.createComputePipelineAsync({ label: spec.label, layout: spec.layout, compute: { module: spec.module(), entryPoint: spec.entryPoint, constants: spec.constants } });
  // A failed compile is not kept: the next simulation tries again and gets its own error.
  made.catch(() => cache.delete(key));
  cache.set(key, made);
  if (cache.size > MAX_PIPELINES) cache.delete(cache.keys().next().value!);
  return made;
}
