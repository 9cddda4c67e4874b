// The GPU backend's kernels, generated for one plan (docs/conventions.md#order-of-a-step): every
// size, offset and shared parameter is a constant in the code, and only the models, inputs and
// synapse kinds the network has are in it. `neurons` advances every element (copy, neuron) of
// every population; `propagate` sends this step's spikes into the arrival rings (fixed-point
// integer atomics: the order of additions cannot change a sum); `sample` records the probes.
import { REFRACTORY_LEFT, SPIKED } from '../equations/compile.js';
import { local, wgslStatements } from '../equations/emit.js';
import type { Plan, PopulationPlan } from '../compile/plan.js';
import { HEADER, type RecordLayout, STEPS_DONE } from '../compile/gpu_sizes.js';
import { foldedStep, populationResolver } from './population_step.js';
import type { GpuLayout } from './gpu_layout.js';
import { inputCode } from './gpu_inputs.js';
import {
  continuousInto, currentsCode, denseGathers, maskClear, maskCode, maskReads, preloadCode, propagateCode, releaseCode, voltageAtStart,
} from './gpu_synapses.js';
import { f, tableBases, u } from './gpu_tables.js';
import { drawsRows } from './gpu_stores.js';
import { declarationsWgsl } from '../gpu/layout.js';
import { ENGINE_LAYOUT, STORES_PLACE, WG, readsSpikeList, releaseItems, scatters } from './gpu_engine_layout.js';

function neuronFunction(plan: Plan, L: GpuLayout, p: PopulationPlan, probedInput: number | null): string {
  const m = p.model, q = p.index, size = p.size, T = tableBases(L);
  const vars = m.variables.map(local);
  const refractory = p.refractory !== null;
  const resolve = populationResolver(p, plan.dt, f, (k) => `tabf(${u(T.params + L.params[q]![k]!)} + e)`);
  const step = foldedStep(p, plan.dt);
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
      const q = L.slots.indexOf(s), fed = L.projections.filter((pl) => pl.slot === q);
      const gathered = fed.some((pl) => pl.dense) ? `dense_${q}(t, copy, k)` : '';
      const ring = fed.some((pl) => !pl.dense) ? `f32(atomicExchange(&acc[${u(s.offset)} + (t % ${u(L.ring)}) * ${u(L.B * size)} + e], 0)) * ${f(1 / s.scale)}` : '';
      const a = [gathered, ring].filter((x) => x).join(' + ');
      if (s.own < 0) return `  ${into(s.variable)} += ${a};`;
      const pr = plan.projections[s.own]!, o = `state[${u(L.own[s.own]!)} + e]`;
      const tau = (pr.synapse as { tau?: number }).tau!;
      return `  ${o} = ${o} * ${f(Math.fround(Math.exp(-plan.dt / tau)))} + ${a};\n  _in += ${o};`;
    }),
    ...(L.cont !== null && continuousInto(plan, q) ? [`  _in += state[${u(L.cont)} + g];`] : []),
    ...(refractory ? [`  var ${REFRACTORY_LEFT} = f32(atomicLoad(&refr[${u(L.refr[q]!)} + e]));`, `  if (${REFRACTORY_LEFT} > 0.0) { ${REFRACTORY_LEFT} = ${REFRACTORY_LEFT} - 1.0; }`] : []),
    ...wgslStatements(step.statements, resolve, step.locals),
    `  if (!(${vars.map((v) => `is_finite(${v})`).join(' && ')})) { report_bad(g, t, copy); return; }`,
    ...vars.map((v, d) => `  state[${u(L.state[q]![d]!)} + e] = ${v};`),
    ...(probedInput === null ? [] : [`  state[${u(probedInput)} + g] = _in;`]),
    ...(m.threshold ? [`  if (${SPIKED}) {${refractory ? ` ${REFRACTORY_LEFT} = ${typeof p.refractory === 'number' ? f(p.refractory) : `f32(atomicLoad(&refr[${u(L.refrPeriod[q]!)} + e]))`};` : ''} spiked(g, copy, ${u(q)}, t, tc, ${plan.recordSpikes[q] ? 'true' : 'false'});${maskCode(L, q)} }`] : []),
    ...(refractory ? [`  atomicStore(&refr[${u(L.refr[q]!)} + e], u32(${REFRACTORY_LEFT}));`] : []),
    '}',
  ];
  return lines.join('\n');
}

/**
 * The whole shader for a plan; `inputSlot`: where the probed populations' I is kept; `kept`: where
 * the probed synapse currents are (gpu_synapses.ts synapseCurrentSlots).
 */
export function engineWgsl(
  plan: Plan, L: GpuLayout, R: RecordLayout, probes: readonly { population: number; variable: number; neurons: Uint32Array; every: number; projection?: number }[],
  inputSlot: number | null, kept: ReadonlyMap<string, number> = new Map(),
): string {
  const gathers = denseGathers(plan, L);
  const popBranch = (fn: string) => plan.populations.map((p, q) =>
    `${q === 0 ? '' : ' else '}if (g < ${u(L.popBase[q]! + L.B * p.size)}) { ${fn}_${q}(g - ${u(L.popBase[q]!)}, g, t, tc); }`).join('');
  const sampleBlock = (q: number, width: number, size: number, every: number, value: string) => [
    `  if (j >= ${u(0)} && j < ${u(width)} && (t + 1u) % ${u(every)} == 0u) {`,
    `    let copy = j / ${u(probes[q]!.neurons.length)}; let e = copy * ${u(size)} + probe_neuron_${q}(j - copy * ${u(probes[q]!.neurons.length)});`,
    `    let s = (t + 1u) / ${u(every)} - (P.first + ${u(every)}) / ${u(every)};`,
    `    atomicStore(&rec[${u(R.probes[q]!)} + s * ${u(width)} + j], bitcast<u32>(${value}));`,
    '  }',
  ].join('\n');
  const sample = probes.map((pr, q) => {
    if (pr.projection !== undefined) {
      // A synapse: its current kept by the currents phase, or its diffusion state r (4 words per synapse), e = copy · synapses + synapse.
      const pl = L.projections[pr.projection]!;
      const value = pr.variable === 2 ? `state[${u(pl.continuous!.state!)} + 4u * e]` : `state[${u(kept.get(`${pr.projection}:${pr.variable}`)!)} + e]`;
      return sampleBlock(q, L.B * pr.neurons.length, pl.synapses.post.length, pr.every, value);
    }
    const p = plan.populations[pr.population]!, width = L.B * pr.neurons.length;
    const pending = pr.variable < 0 ? [] : L.slots.filter((s) => s.population === p.index && s.variable === pr.variable && s.own < 0);
    // A variable as the next step starts from it: with the arrivals then due, from the ring and from the dense gathers.
    const value = pr.variable < 0 ? `state[${u(inputSlot!)} + ${u(L.popBase[p.index]!)} + e]`
      : [`state[${u(L.state[p.index]![pr.variable]!)} + e]`, ...pending.flatMap((s) => {
        const q = L.slots.indexOf(s), fed = L.projections.filter((pl) => pl.slot === q);
        return [
          ...(fed.some((pl) => !pl.dense) ? [`f32(atomicLoad(&acc[${u(s.offset)} + ((t + 1u) % ${u(L.ring)}) * ${u(L.B * p.size)} + e])) * ${f(1 / s.scale)}`] : []),
          ...(fed.some((pl) => pl.dense) ? [`dense_direct_${q}(t + 1u, copy, e - copy * ${u(p.size)})`] : []),
        ];
      })].join(' + ');
    return sampleBlock(q, width, p.size, pr.every, value);
  });
  const probeNeurons = probes.map((pr, q) => `fn probe_neuron_${q}(j: u32) -> u32 {\n  switch j {\n${Array.from(pr.neurons, (k, j) => `    case ${u(j)}: { return ${u(k)}; }`).join('\n')}\n    default: { return 0u; }\n  }\n}`);
  const code = `
${declarationsWgsl(ENGINE_LAYOUT)}

fn tabf(k: u32) -> f32 { return bitcast<f32>(tab[k]); }

fn report_bad(g: u32, t: u32, copy: u32) {
  ${plan.freeze ? `atomicStore(&refr[${u(L.words.refr)} + copy], t + 1u); atomicMin(&refr[${u(L.words.refr + L.B)} + copy], g);` : 'atomicAdd(&rec[1], 1u); atomicMax(&rec[2], ~t); if (atomicLoad(&rec[2]) == ~t) { atomicMax(&rec[3], ~g); }'}
}

fn spiked(g: u32, copy: u32, pop: u32, t: u32, tc: u32, record: bool) {
  atomicAdd(&rec[${u(HEADER)} + pop], 1u);
  ${readsSpikeList(L) ? `let parity = t & 1u; let j = atomicAdd(&spk[parity], 1u); atomicStore(&spk[2u + parity * ${u(L.total)} + j], g);` : ''}
  ${plan.recordRates ? `atomicAdd(&rec[${u(R.rates)} + (tc * ${u(L.B)} + copy) * ${u(plan.populations.length)} + pop], 1u);` : ''}
  if (record) {
    let r = atomicAdd(&rec[0], 1u);
    if (r < ${u(R.capacity)}) { atomicStore(&rec[${u(R.pairs)} + 2u * r], t); atomicStore(&rec[${u(R.pairs)} + 2u * r + 1u], g); }
  }
}

${plan.populations.map((p) => neuronFunction(plan, L, p, inputSlot)).join('\n\n')}
${gathers.map((g) => g.gather).join('\n')}
${probeNeurons.join('\n')}

fn flat(id: vec3u, n: vec3u) -> u32 { return id.x + id.y * n.x * ${u(WG)}; }

// The phases of a step, each for one work item; the entry points below run them one dispatch
// each (any size), or all of them in one workgroup looping over steps (small networks).
fn do_neurons(g: u32, t: u32, tc: u32) {
  if (g >= ${u(L.total)}) { return; }
  // The spike list of step t + 1 and the mask slot of step t + 1 start empty (both unused in this step).
  ${readsSpikeList(L) ? 'if (g == 0u) { atomicStore(&spk[1u - (t & 1u)], 0u); }' : ''}
  let i = g;
${maskClear(L).join('\n')}
  ${popBranch('neuron')}
}

fn do_propagate(i: u32, t: u32) {
  let parity = t & 1u;
  if (i >= atomicLoad(&spk[parity])) { return; }
  let g = atomicLoad(&spk[2u + parity * ${u(L.total)} + i]);
${propagateCode(plan, L).join('\n')}
}

fn do_release(j: u32, t: u32) {
${releaseCode(plan, L).join('\n')}
}

${L.cont !== null || releaseItems(L) > 0 ? voltageAtStart(L, plan).join('\n') : ''}

fn do_currents(g: u32, t: u32) {
  if (g >= ${u(L.total)}) { return; }
  var sum = 0.0;
${currentsCode(plan, L, kept).join('\n')}
  ${L.cont === null ? '' : `state[${u(L.cont)} + g] = sum;`}
}

fn do_sample(j: u32, t: u32) {
${sample.join('\n')}
}

${preloadCode(L)}

${STORES_PLACE}

@compute @workgroup_size(${WG})
fn neurons(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u, @builtin(local_invocation_index) l: u32) {
  let t = P.first + S.tc;
${maskReads(L) ? `  preload_masks(l, ${u(WG)}, t);
  workgroupBarrier();` : ''}
  do_neurons(flat(id, n), t, S.tc);
}
@compute @workgroup_size(${WG})
fn propagate(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_propagate(flat(id, n), P.first + S.tc); }
@compute @workgroup_size(${WG})
fn release(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_release(flat(id, n), P.first + S.tc); }
@compute @workgroup_size(${WG})
fn currents(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_currents(flat(id, n), P.first + S.tc); }
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
${L.cont !== null ? `    for (var g = l; g < ${u(L.total)}; g += FUSED_WG) { do_currents(g, t); }
    storageBarrier();` : ''}
${maskReads(L) ? '    preload_masks(l, FUSED_WG, t);\n    workgroupBarrier();' : ''}
    for (var g = l; g < ${u(L.total)}; g += FUSED_WG) { do_neurons(g, t, tc); }
    storageBarrier();

${scatters(L) || drawsRows(L) ? `    for (var i = l; i < ${u(L.total)}; i += FUSED_WG) { do_propagate(i, t);${drawsRows(L) ? ' do_propagate_store_0(i, t);' : ''} }
    storageBarrier();` : ''}
${probes.length ? `    for (var j = l; j < ${u(Math.max(...probes.map((p) => L.B * p.neurons.length)))}; j += FUSED_WG) { do_sample(j, t); }
    storageBarrier();` : ''}
    if (l == 0u) { atomicAdd(&rec[${u(STEPS_DONE)}], 1u); }
  }
}
`;
  // The direct sums only where a phase after the neurons calls them (probes of I, voltages at a step's start).
  return [code, ...gathers.filter((g) => code.includes(`dense_direct_${g.slot}(`)).map((g) => g.direct)].join('\n');
}
