// The layouts src/ declares (src/gpu/layout.ts) against the shaders they describe, read with the
// general WGSL reflector: the runtime trusts the declarations and parses no WGSL, so every binding
// (group, number, name, buffer kind, type) and every uniform struct (offsets, sizes) must match.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { UNIFORM_BYTES } from '../src/compile/gpu_sizes';
import { GpuEngine, type GpuEngineOptions } from '../src/engine/gpu';
import { CONNECTIVITY_LAYOUT, CONNECTIVITY_WGSL } from '../src/engine/gpu_build';
import { ENGINE_LAYOUT, ENGINE_PARAMS } from '../src/engine/gpu_engine_layout';
import { STORE_BINDINGS } from '../src/engine/gpu_stores';
import { type ShaderLayout, bindGroup, declarationsWgsl, packStruct, storage, struct, uniform, uniformBytes } from '../src/gpu/layout';
import { SPIKE_RASTER_LAYOUT } from '../src/render/spike_raster';
import { generatedSource } from '../src/run/create';
import type { Network } from '../src/spec/network';
import { cobahh, seedNetwork } from '../src/spec/presets';
import { assertNetwork } from '../src/spec/validate';
import SPIKE_RASTER_WGSL from '../shaders/spike_raster.wgsl?raw';
import { hhPulsesAndGaps, izhikevichDenseDelayed } from './combination_networks';
import { testGpu } from './helpers';
import { ShaderReflection } from './reflect';

/** Every binding and struct of `layout` is in `code` as declared, and `code` binds nothing else. */
function expectLayout(code: string, layout: ShaderLayout): void {
  const reflected = new ShaderReflection(code);
  // Dynamic offsets are a property of the WebGPU layout alone.
  expect(reflected.bindings()).toEqual(layout.groups.flat().map((b) => ({ ...b, dynamic: false })));
  for (const s of layout.structs) expect(reflected.struct(s.name)).toEqual(s);
}

describe('declared structs follow WGSL layout rules', () => {
  const mixed = struct('Mixed', { a: 'u32', b: 'vec3f', c: 'f32', d: 'vec2i', e: 'vec4u', f: 'i32' });

  test('offsets and size of scalars and vectors of each width, as the reflector computes them', () => {
    const layout: ShaderLayout = { structs: [mixed], groups: [bindGroup(0, [uniform('M', mixed), storage('out', 'array<u32>')])] };
    const code = `${declarationsWgsl(layout)}\n@compute @workgroup_size(1) fn main() { out[0] = M.a + u32(M.c) + u32(M.d.x) + M.e.y + u32(M.f) + u32(M.b.z); }`;
    expectLayout(code, layout);
    expect(mixed.fields.b).toEqual({ offset: 16, size: 12, type: 'vec3f' });
    expect(mixed.size).toBe(80);
  });

  test('packStruct writes each field at its offset in its own type, and refuses what the struct cannot hold', () => {
    const bytes = new DataView(packStruct(mixed, { a: 7, b: [1.5, 2.5, 3.5], c: -0.25, d: [-3, 4], e: [1, 2, 3, 4], f: -9 }));
    const at = (field: string, k = 0) => mixed.fields[field]!.offset + 4 * k;
    expect(bytes.byteLength).toBe(80);
    expect([bytes.getUint32(at('a'), true), bytes.getFloat32(at('b', 2), true), bytes.getFloat32(at('c'), true)]).toEqual([7, 3.5, -0.25]);
    expect([bytes.getInt32(at('d'), true), bytes.getUint32(at('e', 3), true), bytes.getInt32(at('f'), true)]).toEqual([-3, 4, -9]);
    expect(() => packStruct(mixed, { g: 1 })).toThrow(/g is not in struct Mixed/);
    expect(() => packStruct(mixed, { d: [1, 2, 3] })).toThrow(/holds 2 values/);
  });
});

describe('the static shaders match their declarations', () => {
  test('shaders/connectivity.wgsl (with the Philox and draw code it is composed with)', () => expectLayout(CONNECTIVITY_WGSL, CONNECTIVITY_LAYOUT));
  test('shaders/spike_raster.wgsl', () => expectLayout(SPIKE_RASTER_WGSL, SPIKE_RASTER_LAYOUT));
});

describe('the generated engine shader matches the engine layout', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  test('the memory estimate counts the params uniform the engine makes', () => expect(uniformBytes(ENGINE_PARAMS)).toBe(UNIFORM_BYTES));

  const networks: [string, () => Network, GpuEngineOptions, boolean][] = [
    ['seed network (dense S, one workgroup)', () => seedNetwork({ neurons: 100 }), {}, false],
    ['COBAHH, rows the GPU draws over several synapse stores, per step', () => cobahh({ n: 400 }), { maxStoreSynapses: 2000, launch: 'per-step' }, true],
    ['HH with drawn pulses, gap junctions and probes of v and I', () => hhPulsesAndGaps(), {}, true],
    ['Izhikevich, dense S with a delay, I probed', izhikevichDenseDelayed, {}, false],
  ];
  test.each(networks)('%s', async (_name, make, options, stores) => {
    const { device } = await testGpu();
    const compiled: string[] = [];
    const create = device.createShaderModule.bind(device);
    vi.spyOn(device, 'createShaderModule').mockImplementation((d) => {
      if (d.label === 'spikegpu engine (generated)') compiled.push(d.code);
      return create(d);
    });
    const net = assertNetwork(make());
    const engine = await GpuEngine.create(generatedSource(net, { ...options, device }), { ...options, device });
    engine.destroy();
    expect(compiled).toHaveLength(1);
    expectLayout(compiled[0]!, { structs: ENGINE_LAYOUT.structs, groups: [...ENGINE_LAYOUT.groups, ...(stores ? [STORE_BINDINGS] : [])] });
  });
});
