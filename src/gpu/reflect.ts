// The WGSL is the single source of truth for layouts: bind group layouts and uniform struct
// offsets come from reflecting the shader with wgsl_reflect, never from hand-counted numbers.
import { WgslReflect, ResourceType } from 'wgsl_reflect/wgsl_reflect.module.js';

export interface ReflectedBinding {
  name: string;
  binding: number;
  kind: 'uniform' | 'storage' | 'read-only-storage';
}

export interface StructField { offset: number; size: number; type: string }
export interface StructLayout { size: number; fields: Record<string, StructField> }

export class ShaderReflection {
  private readonly r: WgslReflect;
  constructor(readonly code: string) {
    this.r = new WgslReflect(code);
  }

  /** Bindings of group `group` in binding order. */
  bindings(group = 0): ReflectedBinding[] {
    const vars = (this.r.getBindGroups()[group] ?? []).filter(Boolean);
    return vars.map((v) => ({
      name: v.name,
      binding: v.binding,
      kind: v.resourceType === ResourceType.Uniform ? 'uniform' : v.access === 'read' ? 'read-only-storage' : 'storage',
    }));
  }

  /** Explicit layout entries (for the compute stage unless `visibility` says otherwise); names in `dynamic` get dynamic offsets. */
  layoutEntries(group = 0, dynamic: ReadonlySet<string> = new Set(), visibility: number = GPUShaderStage.COMPUTE): GPUBindGroupLayoutEntry[] {
    return this.bindings(group).map((b) => ({
      binding: b.binding,
      visibility,
      buffer: { type: b.kind, hasDynamicOffset: dynamic.has(b.name) },
    }));
  }

  struct(name: string): StructLayout {
    const s = this.r.structs.find((x) => x.name === name);
    if (!s) throw new Error(`WGSL struct ${name} not found`);
    const fields: Record<string, StructField> = {};
    for (const m of s.members) fields[m.name] = { offset: m.offset, size: m.size, type: m.type.name };
    return { size: s.size, fields };
  }
}

/** Writes a JS object into a uniform struct's bytes using the reflected offsets. */
export function packStruct(layout: StructLayout, values: Record<string, number | readonly number[]>): ArrayBuffer {
  const buf = new ArrayBuffer(Math.ceil(layout.size / 16) * 16);
  const view = new DataView(buf);
  for (const [name, value] of Object.entries(values)) {
    const f = layout.fields[name];
    if (!f) throw new Error(`uniform field ${name} is not in the WGSL struct`);
    const parts = typeof value === 'number' ? [value] : value;
    const kind = scalarKind(f.type);
    parts.forEach((x, k) => writeScalar(view, f.offset + 4 * k, kind, x));
  }
  return buf;
}

type ScalarKind = 'u32' | 'i32' | 'f32';

function scalarKind(type: string): ScalarKind {
  if (/^(u32|vec\du)$/.test(type)) return 'u32';
  if (/^(i32|vec\di)$/.test(type)) return 'i32';
  if (/^(f32|vec\df)$/.test(type)) return 'f32';
  throw new Error(`uniform packing: unsupported WGSL type ${type}`);
}

function writeScalar(view: DataView, at: number, kind: ScalarKind, x: number): void {
  if (kind === 'u32') view.setUint32(at, x, true);
  else if (kind === 'i32') view.setInt32(at, x, true);
  else view.setFloat32(at, x, true);
}
