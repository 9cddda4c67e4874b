// The general WGSL reflector, for tests only: it checks the layouts src/ declares against their
// shaders (tests/gpu_layouts.test.ts) and lays out the tests' own kernels (helpers.ts runKernel).
import { ResourceType, WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import type { Binding, FieldType, StructLayout } from '../src/gpu/layout';

export class ShaderReflection {
  private readonly r: WgslReflect;
  constructor(code: string) {
    this.r = new WgslReflect(code);
  }

  /** The buffer bindings of group `group`, or of every group, in binding order (WGSL does not say which offsets are dynamic: none). */
  bindings(group?: number): Binding[] {
    return this.r.getBindGroups().flatMap((vars, g) => (group === undefined || g === group ? vars.filter(Boolean) : [])).map((v) => ({
      group: v.group,
      binding: v.binding,
      name: v.name,
      kind: v.resourceType === ResourceType.Uniform ? 'uniform' : v.access === 'read' ? 'read-only-storage' : 'storage',
      // wgsl_reflect names a runtime-sized array with a count of 0.
      wgslType: v.type.getTypeName().replace(/, 0>$/, '>'),
      dynamic: false,
    }));
  }

  struct(name: string): StructLayout {
    const s = this.r.structs.find((x) => x.name === name);
    if (!s) throw new Error(`WGSL struct ${name} not found`);
    const fields: Record<string, StructLayout['fields'][string]> = {};
    for (const m of s.members) fields[m.name] = { offset: m.offset, size: m.size, type: m.type.getTypeName() as FieldType };
    return { name, size: s.size, fields };
  }
}
