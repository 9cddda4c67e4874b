// The GPU backend's kernels, generated for one plan (docs/conventions.md#order-of-a-step): every
// size, offset and shared parameter is a constant in the code, and only the models, inputs and
// synapse kinds the network has are in it. `neurons` advances every element (copy, neuron) of
// every population; `propagate` sends this step's spikes into the arrival rings (fixed-point
// integer atomics: the order of additions cannot change a sum); `sample` records the probes.
import { REFRACTORY_LEFT, SPIKED, stepStatements } from '../equations/compile';
import { literal, local, wgslStatements } from '../equations/emit';
import { DT, INPUT } from '../equations/model';
import type { Plan, PopulationPlan } from '../compile/plan';
import { RELEASE_MODEL } from '../circuit/models';
import type { GpuLayout } from './gpu_layout';

export const WG = 64;
/** Words of the records header: spike pairs, bad count, bad step, bad element, steps done; then spikes per population. */
export const HEADER = 5;
export const STEPS_DONE = 4;

export interface RecordLayout { rates: number; pairs: number; capacity: number; probes: number[]; probeWidth: number[]; words: number }

/** Where one chunk of `steps` steps records what: rates, (step, element) pairs, probe samples. */
export function recordLayout(plan: Plan, L: GpuLayout, probes: readonly { every: number; width: number }[], steps: number, capacity: number): RecordLayout {
  let at = HEADER + plan.populations.length;
  const rates = at;
  if (plan.recordRates) at += steps * L.B * plan.populations.length;
  const pairs = at;
  at += 2 * capacity;
  const probeAt = probes.map((p) => { const o = at; at += (Math.floor(steps / p.every) + 1) * p.width; return o; });
  return { rates, pairs, capacity, probes: probeAt, probeWidth: probes.map((p) => p.width), words: at };
}

const f = (x: number) => literal(x, 'wgsl');
const u = (x: number) => `${x}u`;

/** Base words of the three tables merged into `tab`: parameters, synapses, inputs. */
export function tableBases(L: GpuLayout) { return { params: 0, syn: L.words.params, inputs: L.words.params + L.words.syn }; }

function inputCode(plan: Plan, L: GpuLayout, p: PopulationPlan, into: (variable: number) => string): string[] {
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
      case 'poisson':
        out.push(`  if (${window(s)}) { let lambda = ${valueAt(q)} * ${f(plan.dt / 1000)};`,
          `    let n = poisson_count(lambda, philox_uniform01(philox4x32(vec4u(t, copy * ${u(plan.n)} + ${u(p.start)} + k, PURPOSE_POISSON, ${u(q)}), P.seed).x));`,
          `    if (n > 0u) { ${target} += f32(n) * ${f(s.weight)}; } }`);
        break;
    }
  }
  return out;
}

function neuronFunction(plan: Plan, L: GpuLayout, p: PopulationPlan, probedInput: number | null): string {
  const m = p.model, q = p.index, size = p.size, T = tableBases(L);
  const vars = m.variables.map(local);
  const refractory = p.refractory !== null;
  const resolve = (name: string) => {
    const k = m.parameters.indexOf(name);
    if (k >= 0) return typeof p.params[k] === 'number' ? f(p.params[k] as number) : `tabf(${u(T.params + L.params[q]![k]!)} + e)`;
    if (name === INPUT) return '_in';
    if (name === DT) return f(plan.dt);
    return undefined;
  };
  const into = (v: number) => (v < 0 ? '_in' : vars[v]!);
  const slots = L.slots.filter((s) => s.population === q);
  const lines = [
    `fn neuron_${q}(e: u32, g: u32, t: u32, tc: u32) {`,
    `  let copy = e / ${u(size)}; let k = e - copy * ${u(size)};`,
    ...(plan.freeze ? [`  if (atomicLoad(&refr[${u(L.words.refr)} + copy]) != 0u) { return; }`] : []),
    ...vars.map((v, d) => `  var ${v} = state[${u(L.state[q]![d]!)} + e];`),
    '  var _in = 0.0;',
    ...inputCode(plan, L, p, into),
    // Arrivals due this step, taken from the ring (and the slot cleared for its next use), after
    // the dense projections' sums gathered from the spike masks in ascending source order.
    ...slots.map((s) => {
      const dense = L.projections.filter((pl) => pl.dense && pl.slot === L.slots.indexOf(s));
      const gathered = dense.length === 0 ? '0.0' : `dense_${L.slots.indexOf(s)}(t, copy, k)`;
      const a = `${gathered} + f32(atomicExchange(&acc[${u(s.offset)} + (t % ${u(L.ring)}) * ${u(L.B * size)} + e], 0)) * ${f(1 / s.scale)}`;
      if (s.own < 0) return `  ${into(s.variable)} += ${a};`;
      const pr = plan.projections[s.own]!, o = `state[${u(L.own[s.own]!)} + e]`;
      const tau = (pr.synapse as { tau?: number }).tau!;
      return `  ${o} = ${o} * ${f(Math.fround(Math.exp(-plan.dt / tau)))} + ${a};\n  _in += ${o};`;
    }),
    ...(L.cont !== null && continuousInto(plan, q) ? [`  _in += state[${u(L.cont)} + g];`] : []),
    ...(refractory ? [`  var ${REFRACTORY_LEFT} = f32(atomicLoad(&refr[${u(L.refr[q]!)} + e]));`, `  if (${REFRACTORY_LEFT} > 0.0) { ${REFRACTORY_LEFT} = ${REFRACTORY_LEFT} - 1.0; }`] : []),
    ...wgslStatements(stepStatements(m, p.integrator, refractory), resolve, new Set([...m.variables, REFRACTORY_LEFT])),
    `  if (!(${vars.map((v) => `is_finite(${v})`).join(' && ')})) { report_bad(g, t, copy); return; }`,
    ...vars.map((v, d) => `  state[${u(L.state[q]![d]!)} + e] = ${v};`),
    ...(probedInput === null ? [] : [`  state[${u(probedInput)} + g] = _in;`]),
    ...(m.threshold ? [`  if (${SPIKED}) {${refractory ? ` ${REFRACTORY_LEFT} = ${typeof p.refractory === 'number' ? f(p.refractory) : `f32(atomicLoad(&refr[${u(L.refrPeriod[q]!)} + e]))`};` : ''} spiked(g, copy, ${u(q)}, t, tc, ${plan.recordSpikes[q] ? 'true' : 'false'});${maskCode(L, q)} }`] : []),
    ...(refractory ? [`  atomicStore(&refr[${u(L.refr[q]!)} + e], u32(${REFRACTORY_LEFT}));`] : []),
    '}',
  ];
  return lines.join('\n');
}

/** Whether electrical or diffusion synapses send currents into population q. */
function continuousInto(plan: Plan, q: number): boolean {
  return plan.projections.some((pr) => (pr.synapse.kind === 'electrical' && (pr.source.index === q || pr.target.index === q)) || (pr.synapse.kind === 'diffusion' && pr.target.index === q));
}

/** Per element: the summed currents of electrical and diffusion synapses from the voltages the step starts with (gathered, so in a fixed order). */
function currentsCode(plan: Plan, L: GpuLayout): string[] {
  const T = tableBases(L), out: string[] = [];
  const v = (p: PopulationPlan, e: string) => `state[${u(L.state[p.index]![0]!)} + ${e}]`;
  for (const pl of L.projections) {
    const c = pl.continuous, pr = pl.plan, s = pr.synapse;
    if (!c) continue;
    const src = pr.source, dst = pr.target;
    const w = (syn: string) => (c.weight !== null ? `tabf(${u(T.syn + c.weight)} + ${syn})` : f(pl.synapses.weight as number));
    const range = (p: PopulationPlan) => `g >= ${u(L.popBase[p.index]!)} && g < ${u(L.popBase[p.index]! + L.B * p.size)}`;
    const local = (p: PopulationPlan) => `let e = g - ${u(L.popBase[p.index]!)}; let copy = e / ${u(p.size)}; let i = e - copy * ${u(p.size)};`;
    if (s.kind === 'electrical') {
      const g2 = (syn: string) => (c.g2 !== null ? `tabf(${u(T.syn + c.g2)} + ${syn})` : pl.synapses.g2 === null ? w(syn) : f(pl.synapses.g2 as number));
      out.push(`  if (${range(src)}) { ${local(src)}`,
        `    for (var q = tab[${u(T.syn + pl.rowStart)} + i]; q < tab[${u(T.syn + pl.rowStart)} + i + 1u]; q++) { sum += ${w('q')} * (${v(dst, `copy * ${u(dst.size)} + tab[${u(T.syn + pl.post)} + q]`)} - ${v(src, 'e')}); }`, '  }');
      out.push(`  if (${range(dst)}) { ${local(dst)}`,
        `    for (var k = tab[${u(T.syn + c.colStart)} + i]; k < tab[${u(T.syn + c.colStart)} + i + 1u]; k++) { let q = tab[${u(T.syn + c.colSyn)} + k];`,
        `      sum += ${g2('q')} * (${v(src, `copy * ${u(src.size)} + tab[${u(T.syn + c.pre)} + q]`)} - ${v(dst, 'e')}); }`, '  }');
    } else if (s.kind === 'diffusion') {
      const M = pl.synapses.post.length;
      out.push(`  if (${range(dst)}) { ${local(dst)}`,
        `    for (var k = tab[${u(T.syn + c.colStart)} + i]; k < tab[${u(T.syn + c.colStart)} + i + 1u]; k++) { let q = tab[${u(T.syn + c.colSyn)} + k];`,
        `      sum += ${w('q')} * state[${u(c.state!)} + 4u * (copy * ${u(M)} + q)] * (${v(dst, 'e')} - ${f(s.esyn)}); }`, '  }');
    }
  }
  return out;
}

/** Diffusion synapses' release and r, per copy and synapse, before the currents (the CPU's order: src/engine/cpu.ts). */
function releaseCode(plan: Plan, L: GpuLayout): string[] {
  const out: string[] = [];
  let first = 0;
  for (const pl of L.projections) {
    const s = pl.plan.synapse;
    if (s.kind !== 'diffusion') continue;
    const c = pl.continuous!, M = pl.synapses.post.length, src = pl.plan.source, T = tableBases(L);
    const sub = s.substeps ?? 1, h = plan.dt / sub, maxRelease = (s.maxRelease ?? Math.round(1 / plan.dt)) * plan.dt;
    const values: Record<string, number> = { alpha: s.alpha ?? 1.1, beta: s.beta ?? 0.19, T: s.T ?? 1 };
    const resolve = (name: string) => (Object.hasOwn(values, name) ? f(values[name]!) : name === INPUT ? 'rel' : name === DT ? f(h) : undefined);
    out.push(`  if (j >= ${u(first)} && j < ${u(first + L.B * M)}) {`,
      `    let b = (j - ${u(first)}) / ${u(M)}; let q = (j - ${u(first)}) - b * ${u(M)}; let o = ${u(c.state!)} + 4u * (b * ${u(M)} + q);`,
      `    let va = state[${u(L.state[src.index]![0]!)} + b * ${u(src.size)} + tab[${u(T.syn + c.pre)} + q]];`,
      `    for (var k = 0u; k < ${u(sub)}; k++) {`,
      `      if (state[o + 3u] < ${f(s.threshold)} && va >= ${f(s.threshold)}) { state[o + 2u] = 1.0; state[o + 1u] = 0.0; }`,
      `      if (state[o + 2u] > 0.5) { state[o + 1u] = state[o + 1u] + ${f(h)}; if (state[o + 1u] > ${f(maxRelease)}) { state[o + 2u] = 0.0; } }`,
      `      let rel = state[o + 2u]; var r_ = state[o];`,
      ...wgslStatements(stepStatements(RELEASE_MODEL, 'rk4'), resolve, new Set(['r']), '      '),
      '      state[o] = r_; state[o + 3u] = va;',
      '    }', '  }');
    first += L.B * M;
  }
  return out;
}

/** Work items of the release kernel: every copy of every diffusion synapse. */
export function releaseItems(L: GpuLayout): number {
  return L.projections.reduce((n, pl) => n + (pl.plan.synapse.kind === 'diffusion' ? L.B * pl.synapses.post.length : 0), 0);
}

/** Per slot fed by dense projections: the sum over this step's arrivals, gathered in ascending source order. */
function denseGathers(plan: Plan, L: GpuLayout): string[] {
  const T = tableBases(L);
  return L.slots.map((s, q) => {
    const dense = L.projections.filter((pl) => pl.dense && pl.slot === q);
    if (dense.length === 0) return '';
    const body = dense.map((pl) => {
      const src = pl.plan.source, m = L.masks[src.index]!, d = pl.dense!;
      return [
        `  { let base = ${u(m.offset)} + ((t + ${u(L.maskRing - 1 - d.delay)}) % ${u(L.maskRing)}) * ${u(L.B * m.words)} + copy * ${u(m.words)};`,
        `    for (var w = 0u; w < ${u(m.words)}; w++) {`,
        '      var bits = bitcast<u32>(atomicLoad(&acc[base + w]));',
        '      loop {',
        '        if (bits == 0u) { break; }',
        `        sum += tabf(${u(T.syn + d.weights)} + k * ${u(src.size)} + w * 32u + countTrailingZeros(bits));`,
        '        bits &= bits - 1u;',
        '      }', '    } }',
      ].join('\n');
    }).join('\n');
    return `fn dense_${q}(t: u32, copy: u32, k: u32) -> f32 {\n  var sum = 0.0;\n${body}\n  return sum;\n}`;
  }).filter((x) => x);
}

/** Spike masks: set the bit of a spiking element (the dense gathers of later steps read it). */
function maskCode(L: GpuLayout, q: number): string {
  const m = L.masks[q];
  return m ? ` atomicOr(&acc[${u(m.offset)} + (t % ${u(L.maskRing)}) * ${u(L.B * m.words)} + copy * ${u(m.words)} + (k >> 5u)], bitcast<i32>(1u << (k & 31u)));` : '';
}

/** Clears the mask slot of step t + 1 (read last 3 or more steps ago), one word per work item. */
function maskClear(L: GpuLayout): string[] {
  return L.masks.flatMap((m) => (m ? [`  if (i < ${u(L.B * m.words)}) { atomicStore(&acc[${u(m.offset)} + ((t + 1u) % ${u(L.maskRing)}) * ${u(L.B * m.words)} + i], 0); }`] : []));
}

function propagateCode(plan: Plan, L: GpuLayout): string[] {
  const T = tableBases(L), out: string[] = [];
  for (const pl of L.projections) {
    if (pl.slot < 0 || pl.dense) continue;
    const pr = pl.plan, src = pr.source, slot = L.slots[pl.slot]!, nPost = pr.target.size;
    const weight = pl.weight !== null ? `bitcast<i32>(tab[${u(T.syn + pl.weight)} + s])` : pr.weightPerCopy ? `weight_per_copy_${pr.index}(copy)` : `${pl.constant}i`;
    const delay = pl.delay !== null ? `tab[${u(T.syn + pl.delay)} + s]` : u(pl.synapses.delay as number);
    out.push(
      `  if (g >= ${u(L.popBase[src.index]!)} && g < ${u(L.popBase[src.index]! + L.B * src.size)}) {`,
      `    let e = g - ${u(L.popBase[src.index]!)}; let copy = e / ${u(src.size)}; let i = e - copy * ${u(src.size)};`,
      `    for (var s = tab[${u(T.syn + pl.rowStart)} + i]; s < tab[${u(T.syn + pl.rowStart)} + i + 1u]; s++) {`,
      `      let at = ${u(slot.offset)} + ((t + 1u + ${delay}) % ${u(L.ring)}) * ${u(L.B * nPost)} + copy * ${u(nPost)} + tab[${u(T.syn + pl.post)} + s];`,
      `      atomicAdd(&acc[at], ${weight});`,
      '    }',
      '  }',
    );
  }
  return out;
}

/** The whole shader for a plan; `probedInputs` maps populations whose I is probed to their slot. */
export function engineWgsl(plan: Plan, L: GpuLayout, R: RecordLayout, probes: readonly { population: number; variable: number; neurons: Uint32Array; every: number }[], inputSlot: number | null): string {
  const popBranch = (fn: string) => plan.populations.map((p, q) =>
    `${q === 0 ? '' : ' else '}if (g < ${u(L.popBase[q]! + L.B * p.size)}) { ${fn}_${q}(g - ${u(L.popBase[q]!)}, g, t, tc); }`).join('');
  const perCopyWeights = plan.projections.filter((pr) => pr.weightPerCopy).map((pr) => {
    const slot = L.slots[L.projections[pr.index]!.slot]!;
    return `fn weight_per_copy_${pr.index}(copy: u32) -> i32 {\n  switch copy {\n${Array.from(pr.weightPerCopy!, (w, c) => `    case ${u(c)}: { return ${Math.round(w * slot.scale)}i; }`).join('\n')}\n    default: { return 0i; }\n  }\n}`;
  });
  const sample = probes.map((pr, q) => {
    const p = plan.populations[pr.population]!, width = L.B * pr.neurons.length;
    const pending = pr.variable < 0 ? [] : L.slots.filter((s) => s.population === p.index && s.variable === pr.variable && s.own < 0);
    const value = pr.variable < 0 ? `state[${u(inputSlot!)} + ${u(L.popBase[p.index]!)} + e]`
      : [`state[${u(L.state[p.index]![pr.variable]!)} + e]`, ...pending.map((s) => `f32(atomicLoad(&acc[${u(s.offset)} + ((t + 1u) % ${u(L.ring)}) * ${u(L.B * p.size)} + e])) * ${f(1 / s.scale)}`)].join(' + ');
    return [
      `  if (j >= ${u(0)} && j < ${u(width)} && (t + 1u) % ${u(pr.every)} == 0u) {`,
      `    let copy = j / ${u(pr.neurons.length)}; let e = copy * ${u(p.size)} + probe_neuron_${q}(j - copy * ${u(pr.neurons.length)});`,
      `    let s = (t + 1u) / ${u(pr.every)} - (P.first + ${u(pr.every)}) / ${u(pr.every)};`,
      `    atomicStore(&rec[${u(R.probes[q]!)} + s * ${u(width)} + j], bitcast<u32>(${value}));`,
      '  }',
    ].join('\n');
  });
  const probeNeurons = probes.map((pr, q) => `fn probe_neuron_${q}(j: u32) -> u32 {\n  switch j {\n${Array.from(pr.neurons, (k, j) => `    case ${u(j)}: { return ${u(k)}; }`).join('\n')}\n    default: { return 0u; }\n  }\n}`);
  return `
const PURPOSE_POISSON: u32 = 8u;
struct Params { seed: vec2u, first: u32, steps: u32, per_dispatch: u32 }
struct Step { tc: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read> tab: array<u32>;
@group(0) @binding(3) var<storage, read_write> refr: array<atomic<u32>>;  // refractory counters and periods, then per copy: frozen at step + 1, first bad element
@group(0) @binding(4) var<storage, read_write> acc: array<atomic<i32>>;
@group(0) @binding(5) var<storage, read_write> spk: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read_write> rec: array<atomic<u32>>;
@group(1) @binding(0) var<uniform> S: Step;

fn tabf(k: u32) -> f32 { return bitcast<f32>(tab[k]); }

// Events of a Poisson process with mean lambda in one step, by inversion of u (src/engine/cpu_inputs.ts).
fn poisson_count(lambda: f32, u: f32) -> u32 {
  if (lambda <= 0.0) { return 0u; }
  let v = u + 2.9802322387695312e-8;
  var k = 0u; var p = exp(-lambda); var cdf = p;
  loop { if (v <= cdf || k >= 1000u) { break; } k += 1u; p *= lambda / f32(k); cdf += p; }
  return k;
}

fn report_bad(g: u32, t: u32, copy: u32) {
  ${plan.freeze ? `atomicStore(&refr[${u(L.words.refr)} + copy], t + 1u); atomicMin(&refr[${u(L.words.refr + L.B)} + copy], g);` : 'if (atomicAdd(&rec[1], 1u) == 0u) { atomicStore(&rec[2], t); atomicStore(&rec[3], g); } atomicMin(&rec[3], g);'}
}

fn spiked(g: u32, copy: u32, pop: u32, t: u32, tc: u32, record: bool) {
  let parity = t & 1u;
  let j = atomicAdd(&spk[parity], 1u);
  atomicAdd(&rec[${u(HEADER)} + pop], 1u);
  atomicStore(&spk[2u + parity * ${u(L.total)} + j], g);
  ${plan.recordRates ? `atomicAdd(&rec[${u(R.rates)} + (tc * ${u(L.B)} + copy) * ${u(plan.populations.length)} + pop], 1u);` : ''}
  if (record) {
    let r = atomicAdd(&rec[0], 1u);
    if (r < ${u(R.capacity)}) { atomicStore(&rec[${u(R.pairs)} + 2u * r], t); atomicStore(&rec[${u(R.pairs)} + 2u * r + 1u], g); }
  }
}

${plan.populations.map((p) => neuronFunction(plan, L, p, inputSlot)).join('\n\n')}
${perCopyWeights.join('\n')}
${denseGathers(plan, L).join('\n')}
${probeNeurons.join('\n')}

fn flat(id: vec3u, n: vec3u) -> u32 { return id.x + id.y * n.x * ${u(WG)}; }

// The phases of a step, each for one work item; the entry points below run them one dispatch
// each (any size), or all of them in one workgroup looping over steps (small networks).
fn do_neurons(g: u32, t: u32, tc: u32) {
  if (g >= ${u(L.total)}) { return; }
  ${popBranch('neuron')}
}

fn do_propagate(i: u32, t: u32) {
  let parity = t & 1u;
  if (i == 0u) { atomicStore(&spk[1u - parity], 0u); }
${maskClear(L).join('\n')}
  if (i >= atomicLoad(&spk[parity])) { return; }
  let g = atomicLoad(&spk[2u + parity * ${u(L.total)} + i]);
${propagateCode(plan, L).join('\n')}
}

fn do_release(j: u32, t: u32) {
${releaseCode(plan, L).join('\n')}
}

fn do_currents(g: u32) {
  if (g >= ${u(L.total)}) { return; }
  var sum = 0.0;
${currentsCode(plan, L).join('\n')}
  ${L.cont === null ? '' : `state[${u(L.cont)} + g] = sum;`}
}

fn do_sample(j: u32, t: u32) {
${sample.join('\n')}
}

@compute @workgroup_size(${WG})
fn neurons(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_neurons(flat(id, n), P.first + S.tc, S.tc); }
@compute @workgroup_size(${WG})
fn propagate(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_propagate(flat(id, n), P.first + S.tc); }
@compute @workgroup_size(${WG})
fn release(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_release(flat(id, n), P.first + S.tc); }
@compute @workgroup_size(${WG})
fn currents(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_currents(flat(id, n)); }
@compute @workgroup_size(${WG})
fn sample(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_sample(flat(id, n), P.first + S.tc); }

override FUSED_WG: u32 = 64u;

// One workgroup, steps S.tc .. S.tc + P.per_dispatch − 1 of the chunk, barriers between phases.
// Drivers may cut a long dispatch short (llvmpipe stops loops after 65,535 iterations): the
// steps done are counted, and the host checks the count.
@compute @workgroup_size(FUSED_WG)
fn run_steps(@builtin(local_invocation_index) l: u32) {
  let last = min(S.tc + P.per_dispatch, P.steps);
  for (var tc = S.tc; tc < last; tc++) {
    let t = P.first + tc;
${releaseItems(L) > 0 ? `    for (var j = l; j < ${u(releaseItems(L))}; j += FUSED_WG) { do_release(j, t); }
    storageBarrier();` : ''}
${L.cont !== null ? `    for (var g = l; g < ${u(L.total)}; g += FUSED_WG) { do_currents(g); }
    storageBarrier();` : ''}
    for (var g = l; g < ${u(L.total)}; g += FUSED_WG) { do_neurons(g, t, tc); }
    storageBarrier();
    for (var i = l; i < ${u(L.total)}; i += FUSED_WG) { do_propagate(i, t); }
    storageBarrier();
${probes.length ? `    for (var j = l; j < ${u(Math.max(...probes.map((p) => L.B * p.neurons.length)))}; j += FUSED_WG) { do_sample(j, t); }
    storageBarrier();` : ''}
    if (l == 0u) { atomicAdd(&rec[${u(STEPS_DONE)}], 1u); }
  }
}
`;
}
