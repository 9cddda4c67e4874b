// Bind groups and uniform structs declared once, as data: the runtime makes its layouts, bind
// groups and uniform bytes from them, and generated WGSL declares its bindings and structs from
// them, so no shader is parsed at run time (tests/gpu_layouts.test.ts checks each against its shader).

/** The WGSL types a uniform struct field may have. */
export type FieldType = 'u32' | 'i32' | 'f32' | `vec${2 | 3 | 4}${'u' | 'i' | 'f'}`;

export interface StructField { offset: number; size: number; type: FieldType }
export interface StructLayout { name: string; size: number; fields: Readonly<Record<string, StructField>> }

/** One buffer binding: its WGSL variable `name: wgslType` and how it is bound. */
export interface Binding {
  group: number;
  binding: number;
  name: string;
  kind: GPUBufferBindingType;
  wgslType: string;
  /** Bound at a dynamic offset (a WebGPU layout property: WGSL does not say). */
  dynamic: boolean;
}

/** A shader's uniform structs and its bind groups, each a list of bindings in binding order. */
export interface ShaderLayout { structs: readonly StructLayout[]; groups: readonly (readonly Binding[])[] }

const components = (type: FieldType) => (type.startsWith('vec') ? Number(type[3]) : 1);

/** A struct by WGSL's layout rules: each field at the next multiple of its alignment (vec3 and vec4: 16, vec2: 8, scalars: 4), the size a multiple of the largest. */
export function struct(name: string, types: Readonly<Record<string, FieldType>>): StructLayout {
  const fields: Record<string, StructField> = {};
  let end = 0, largest = 4;
  for (const [field, type] of Object.entries(types)) {
    const n = components(type), align = n === 1 ? 4 : n === 2 ? 8 : 16;
    const offset = Math.ceil(end / align) * align;
    fields[field] = { offset, size: 4 * n, type };
    end = offset + 4 * n;
    largest = Math.max(largest, align);
  }
  return { name, size: Math.ceil(end / largest) * largest, fields };
}

type BindingSpec = Omit<Binding, 'group' | 'binding'>;
export const uniform = (name: string, layout: StructLayout, dynamic = false): BindingSpec => ({ name, kind: 'uniform', wgslType: layout.name, dynamic });
export const storage = (name: string, wgslType: string): BindingSpec => ({ name, kind: 'storage', wgslType, dynamic: false });
export const readOnly = (name: string, wgslType: string): BindingSpec => ({ name, kind: 'read-only-storage', wgslType, dynamic: false });

/** Group `group`'s bindings, numbered in the order given. */
export const bindGroup = (group: number, specs: readonly BindingSpec[]): Binding[] => specs.map((s, binding) => ({ group, binding, ...s }));

/** The layout entries of a group's bindings, for the compute stage unless `visibility` says otherwise. */
export function layoutEntries(bindings: readonly Binding[], visibility: number = GPUShaderStage.COMPUTE): GPUBindGroupLayoutEntry[] {
  return bindings.map((b) => ({ binding: b.binding, visibility, buffer: { type: b.kind, hasDynamicOffset: b.dynamic } }));
}

/** A bind group with each binding's buffer given by its WGSL name. */
export function bindNamed(device: GPUDevice, label: string, layout: GPUBindGroupLayout, bindings: readonly Binding[], buffers: Readonly<Record<string, GPUBufferBinding>>): GPUBindGroup {
  return device.createBindGroup({
    label, layout,
    entries: bindings.map((b) => {
      const resource = buffers[b.name];
      if (!resource) throw new Error(`${label}: no buffer for binding ${b.name}`);
      return { binding: b.binding, resource };
    }),
  });
}

const ADDRESS_SPACE: Record<GPUBufferBindingType, string> = { uniform: 'uniform', storage: 'storage, read_write', 'read-only-storage': 'storage, read' };

/** WGSL: the declaration of a binding. */
export const bindingWgsl = (b: Binding) => `@group(${b.group}) @binding(${b.binding}) var<${ADDRESS_SPACE[b.kind]}> ${b.name}: ${b.wgslType};`;

/** WGSL: the declaration of a struct. */
export const structWgsl = (s: StructLayout) => `struct ${s.name} { ${Object.entries(s.fields).map(([name, f]) => `${name}: ${f.type}`).join(', ')} }`;

/** WGSL: every struct and binding of a layout. */
export const declarationsWgsl = (layout: ShaderLayout) => [...layout.structs.map(structWgsl), ...layout.groups.flat().map(bindingWgsl)].join('\n');

/** Bytes of a uniform buffer holding the struct (a multiple of 16). */
export const uniformBytes = (layout: StructLayout) => Math.ceil(layout.size / 16) * 16;

/** A uniform struct's bytes from a JS object, by the declared offsets. */
export function packStruct(layout: StructLayout, values: Readonly<Record<string, number | readonly number[]>>): ArrayBuffer {
  const buf = new ArrayBuffer(uniformBytes(layout));
  const view = new DataView(buf);
  for (const [name, value] of Object.entries(values)) {
    const f = layout.fields[name];
    if (!f) throw new Error(`uniform field ${name} is not in struct ${layout.name}`);
    const parts = typeof value === 'number' ? [value] : value;
    if (parts.length > components(f.type)) throw new Error(`uniform field ${layout.name}.${name} holds ${components(f.type)} values, given ${parts.length}`);
    const scalar = f.type.endsWith('32') ? f.type[0] : f.type.at(-1);
    parts.forEach((x, k) => {
      const at = f.offset + 4 * k;
      if (scalar === 'u') view.setUint32(at, x, true);
      else if (scalar === 'i') view.setInt32(at, x, true);
      else view.setFloat32(at, x, true);
    });
  }
  return buf;
}
