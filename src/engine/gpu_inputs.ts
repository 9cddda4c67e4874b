// The GPU kernels' external inputs of one population (docs/conventions.md#order-of-a-step), as
// WGSL: noise as one draw of the summed variance per neuron, then every other input in the
// description's order; the mirror of src/engine/cpu_inputs.ts.
import type { Plan, PopulationPlan } from '../compile/plan.js';
import type { GpuLayout } from './gpu_layout.js';
import { f, tableBases, u } from './gpu_tables.js';


export function inputCode(plan: Plan, L: GpuLayout, p: PopulationPlan, into: (variable: number) => string): string[] {
  const T = tableBases(L), out: string[] = [];
  const mine = plan.inputs.filter((i) => i.target === p);
  const valueAt = (q: number) => `tabf(${u(T.inputs + L.inputs[q]!)} + e)`;
  const window = (s: { start?: number; stop?: number }) => `t >= ${u(s.start ?? 0)}${s.stop === undefined ? '' : ` && t < ${u(s.stop)}`}`;
  const noise = mine.filter((i) => i.spec.kind === 'noise' && i.variable < 0);
  if (noise.length > 0) {
    // Active noise inputs add their variances into one draw per neuron (one input: its σ as is).
    out.push('  { var nv = 0.0; var nc = 0u; var ns = 0.0;');
    for (const inp of noise) out.push(`    if (${window(inp.spec as { start?: number })}) { let s = ${valueAt(inp.index)}; if (s != 0.0) { nv += s * s; nc += 1u; ns = s; } }`);
    out.push(`    if (nc > 0u) { ${into(-1)} += select(sqrt(nv), ns, nc == 1u) * philox_normal(philox4x32(vec4u(t, copy * ${u(plan.n)} + ${u(p.start)} + k, PURPOSE_NOISE, 0u), P.seed)); } }`);
  }
  for (const inp of mine) {
    const s = inp.spec, target = into(inp.variable), q = inp.index;
    const mask = L.inputs[q] !== null && inp.values === null ? `${valueAt(q)} != 0.0 && ` : '';
    switch (s.kind) {
      case 'noise':
        if (inp.variable >= 0) {
          out.push(`  if (${window(s)}) { ${target} += ${valueAt(q)} * philox_normal(philox4x32(vec4u(t, copy * ${u(plan.n)} + ${u(p.start)} + k, PURPOSE_NOISE, ${u(1 + q)}), P.seed)); }`);
        }
        break;
      case 'constant': out.push(`  if (${window(s)}) { ${target} += ${valueAt(q)}; }`); break;
      case 'pulses':
        out.push(`  if (${mask}true) {`, '    var x = 0.0;');
        for (const pulse of s.pulses) out.push(`    if (t >= ${u(pulse.start)} && t < ${u(pulse.start + pulse.duration)}) { x += ${f(pulse.amplitude)}; }`);
        out.push(`    ${target} += x;`, '  }');
        break;
      case 'train':
        out.push(`  if (${mask}t >= ${u(s.start)} && t - ${u(s.start)} < ${u((s.count - 1) * s.period + s.width)} && (t - ${u(s.start)}) % ${u(s.period)} < ${u(s.width)}) { ${target} += ${f(s.amplitude)}; }`);
        break;
      case 'waveform': {
        const w = T.inputs + L.waves[q]!, n = s.samples.length, start = s.start ?? 0;
        out.push(`  if (${mask}t >= ${u(start)} && (t - ${u(start)}) / ${u(s.every)} < ${u(n)}) {`,
          `    let j = t - ${u(start)}; let idx = j / ${u(s.every)}; var y = tabf(${u(w)} + idx);`,
          ...(s.interpolation === 'linear' ? [`    if (idx + 1u < ${u(n)}) { y = y + (tabf(${u(w)} + idx + 1u) - y) * (f32(j % ${u(s.every)}) / ${f(s.every)}); }`] : []),
          `    ${target} += ${f(s.amplitude ?? 1)} * y;`, '  }');
        break;
      }
      case 'external': out.push(`  if (${mask}true) { ${target} += state[${u(L.external[q]!)} + e]; }`); break;
      case 'poisson':
        out.push(`  if (${window(s)}) { let lambda = ${valueAt(q)} * ${f(plan.dt / 1000)};`,
          `    let n = poisson_count(lambda, philox_uniform01(philox4x32(vec4u(t, copy * ${u(plan.n)} + ${u(p.start)} + k, PURPOSE_POISSON, ${u(q)}), P.seed).x));`,
          `    if (n > 0u) { ${target} += f32(n) * ${f(s.weight)}; } }`);
        break;
    }
  }
  return out;
}
