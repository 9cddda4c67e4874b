// The GPU kernels' synapses, as WGSL: Neun's electrical and diffusion synapses gathered per
// neuron, dense projections gathered from spike masks in ascending source order, and the rows
// that propagate spikes into the arrival rings with fixed-point atomics.
import type { Plan, PopulationPlan } from '../compile/plan.js';
import { stepStatements } from '../equations/compile.js';
import { wgslStatements } from '../equations/emit.js';
import { DT, INPUT } from '../equations/model.js';
import { RELEASE_MODEL, releaseParameters } from '../models/registry.js';
import type { GpuLayout, RedrawnNormal } from './gpu_layout.js';
import { elementOf, f, inPopulation, ringAt, rowHead, spikeWeight, tableBases, u } from './gpu_tables.js';


/** Whether electrical or diffusion synapses send currents into population q. */
export function continuousInto(plan: Plan, q: number): boolean {
  return plan.projections.some((pr) => (pr.synapse.kind === 'electrical' && (pr.source.index === q || pr.target.index === q)) || (pr.synapse.kind === 'diffusion' && pr.target.index === q));
}

/** Per element: the summed currents of electrical and diffusion synapses from the voltages the step starts with (gathered, so in a fixed order); probed ones also kept per synapse. */
export function currentsCode(plan: Plan, L: GpuLayout, kept: ReadonlyMap<string, number> = new Map()): string[] {
  const T = tableBases(L), out: string[] = [];
  const v = (p: PopulationPlan, e: string) => `v_start_${p.index}(${e}, t)`;
  for (const pl of L.projections) {
    const c = pl.continuous, pr = pl.plan, s = pr.synapse;
    if (!c) continue;
    // Adds one synapse's current to the element's sum, and keeps it where a probe reads it.
    const M = pl.synapses.post.length;
    const add = (variable: number, current: string) => {
      const at = kept.get(`${pr.index}:${variable}`);
      return at === undefined ? `sum += ${current};` : `let i_ = ${current}; sum += i_; state[${u(at)} + copy * ${u(M)} + q] = i_;`;
    };
    const src = pr.source, dst = pr.target;
    const w = (syn: string) => (pl.perCopy !== null ? `tabf(${u(T.syn + pl.perCopy)} + copy)` : c.weight !== null ? `tabf(${u(T.syn + c.weight)} + ${syn})` : f(pl.synapses.weight as number));
    if (s.kind === 'electrical') {
      // g2 is the weight unless given (a batch varying the weight varies both, as on the CPU).
      const g2 = (syn: string) => (s.g2 === undefined ? w(syn) : c.g2 !== null ? `tabf(${u(T.syn + c.g2)} + ${syn})` : f(pl.synapses.g2 as number));
      // The element's own voltage once, before its synapses (nothing in this phase changes it).
      out.push(`  if (${inPopulation(L, src)}) { ${elementOf(L, src)} let v_e = ${v(src, 'e')};`,
        `    for (var q = tab[${u(T.syn + pl.rowStart)} + i]; q < tab[${u(T.syn + pl.rowStart)} + i + 1u]; q++) { ${add(1, `${w('q')} * (${v(dst, `copy * ${u(dst.size)} + tab[${u(T.syn + pl.post)} + q]`)} - v_e)`)} }`, '  }');
      out.push(`  if (${inPopulation(L, dst)}) { ${elementOf(L, dst)} let v_e = ${v(dst, 'e')};`,
        `    for (var k = tab[${u(T.syn + c.colStart)} + i]; k < tab[${u(T.syn + c.colStart)} + i + 1u]; k++) { let q = tab[${u(T.syn + c.colSyn)} + k];`,
        `      ${add(0, `${g2('q')} * (${v(src, `copy * ${u(src.size)} + tab[${u(T.syn + c.pre)} + q]`)} - v_e)`)} }`, '  }');
    } else if (s.kind === 'diffusion') {
      out.push(`  if (${inPopulation(L, dst)}) { ${elementOf(L, dst)} let v_e = ${v(dst, 'e')};`,
        `    for (var k = tab[${u(T.syn + c.colStart)} + i]; k < tab[${u(T.syn + c.colStart)} + i + 1u]; k++) { let q = tab[${u(T.syn + c.colSyn)} + k];`,
        `      ${add(0, `${w('q')} * state[${u(c.state!)} + 4u * (copy * ${u(M)} + q)] * (v_e - ${f(s.esyn)})`)} }`, '  }');
    }
  }
  return out;
}

/**
 * Each population's membrane potential as the step starts: the state plus the jumps of the spikes
 * arriving into it this step (from the ring, not taken, and from the dense gathers), which the
 * neuron phase adds in the same step (docs/conventions.md#order-of-a-step).
 */
export function voltageAtStart(L: GpuLayout, plan: Plan): string[] {
  return plan.populations.map((p) => {
    const terms = [`state[${u(L.state[p.index]![0]!)} + e]`];
    L.slots.forEach((s, q) => {
      if (s.population !== p.index || s.variable !== 0 || s.own >= 0) return;
      const fed = L.projections.filter((pl) => pl.slot === q);
      if (fed.some((pl) => !pl.dense)) terms.push(`f32(atomicLoad(&acc[${u(s.offset)} + (t % ${u(L.ring)}) * ${u(L.B * p.size)} + e])) * ${f(1 / s.scale)}`);
      if (fed.some((pl) => pl.dense)) terms.push(`dense_direct_${q}(t, e / ${u(p.size)}, e % ${u(p.size)})`);
    });
    return `fn v_start_${p.index}(e: u32, t: u32) -> f32 { return ${terms.join(' + ')}; }`;
  });
}

/** Diffusion synapses' release and r, per copy and synapse, before the currents (the CPU's order: src/engine/cpu.ts). */
export function releaseCode(plan: Plan, L: GpuLayout): string[] {
  const out: string[] = [];
  let first = 0;
  for (const pl of L.projections) {
    const s = pl.plan.synapse;
    if (s.kind !== 'diffusion') continue;
    const c = pl.continuous!, M = pl.synapses.post.length, src = pl.plan.source, T = tableBases(L);
    const sub = s.substeps ?? 1, h = plan.dt / sub, lasts = (s.maxRelease ?? Math.round(1 / plan.dt)) * sub;
    const values = releaseParameters(s);
    const resolve = (name: string) => (Object.hasOwn(values, name) ? f(values[name]!) : name === INPUT ? 'rel' : name === DT ? f(h) : undefined);
    out.push(`  if (j >= ${u(first)} && j < ${u(first + L.B * M)}) {`,
      `    let b = (j - ${u(first)}) / ${u(M)}; let q = (j - ${u(first)}) - b * ${u(M)}; let o = ${u(c.state!)} + 4u * (b * ${u(M)} + q);`,
      `    let va = v_start_${src.index}(b * ${u(src.size)} + tab[${u(T.syn + c.pre)} + q], t);`,
      `    for (var k = 0u; k < ${u(sub)}; k++) {`,
      `      if (state[o + 3u] < ${f(s.threshold)} && va >= ${f(s.threshold)}) { state[o + 2u] = 1.0; state[o + 1u] = 0.0; }`,
      `      if (state[o + 2u] > 0.5) { state[o + 1u] = state[o + 1u] + 1.0; if (state[o + 1u] > ${f(lasts)}) { state[o + 2u] = 0.0; } }`,
      `      let rel = state[o + 2u]; var r_ = state[o];`,
      ...wgslStatements(stepStatements(RELEASE_MODEL, RELEASE_MODEL.integrator), resolve, new Set(['r']), '      '),
      '      state[o] = r_; state[o + 3u] = va;',
      '    }', '  }');
    first += L.B * M;
  }
  return out;
}


/** Most mask words a workgroup copies into its own memory before the gathers (two steps' worth: 16 KiB). */
const MAX_SHARED_MASK_WORDS = 2048;

/** The masks the dense gathers read in a step, one entry per (source population, delay): where each lies in workgroup memory. */
export function maskReads(L: GpuLayout): { population: number; delay: number; at: number; words: number }[] | null {
  const reads: { population: number; delay: number; at: number; words: number }[] = [];
  let at = 0;
  for (const pl of L.projections) {
    if (!pl.dense) continue;
    const population = pl.plan.source.index, delay = pl.dense.delay;
    if (reads.some((r) => r.population === population && r.delay === delay)) continue;
    const words = L.B * L.masks[population]!.words;
    reads.push({ population, delay, at, words });
    at += words;
  }
  return at === 0 || at > MAX_SHARED_MASK_WORDS ? null : reads;
}

/**
 * Copies the masks this step's gathers read into workgroup memory (atomic loads are slow on some
 * adapters, and every neuron of the workgroup reads all of them); call in uniform control flow,
 * followed by workgroupBarrier().
 */
export function preloadCode(L: GpuLayout): string {
  const reads = maskReads(L);
  if (!reads) return '';
  const total = reads.reduce((n, r) => n + r.words, 0);
  // Two halves, by the step's parity: a lane may load step t + 1's masks while another still reads step t's.
  return `var<workgroup> wmask: array<u32, ${u(2 * total)}>;
const WMASK_HALF: u32 = ${u(total)};
fn preload_masks(l: u32, lanes: u32, t: u32) {
${reads.map((r) => {
    const m = L.masks[r.population]!;
    return `  for (var k = l; k < ${u(r.words)}; k += lanes) { wmask[(t & 1u) * WMASK_HALF + ${u(r.at)} + k] = bitcast<u32>(atomicLoad(&acc[${u(m.offset)} + ((t + ${u(L.maskRing - 1 - r.delay)}) % ${u(L.maskRing)}) * ${u(r.words)} + k])); }`;
  }).join('\n')}
}`;
}

/**
 * Per slot fed by dense projections: the sum over this step's arrivals, gathered in ascending
 * source order (`gather`), and the same from the masks directly (`direct`, for phases after the neurons).
 */
export function denseGathers(plan: Plan, L: GpuLayout): { slot: number; gather: string; direct: string }[] {
  const T = tableBases(L), reads = maskReads(L);
  return L.slots.flatMap((s, q) => {
    const dense = L.projections.filter((pl) => pl.dense && pl.slot === q);
    if (dense.length === 0) return [];
    // From workgroup memory where the step's masks were copied there, else straight from the masks.
    const body = (preloaded: boolean) => dense.map((pl) => {
      const src = pl.plan.source, m = L.masks[src.index]!, d = pl.dense!;
      const shared = preloaded ? reads?.find((r) => r.population === src.index && r.delay === d.delay) : undefined;
      const base = shared ? `(t & 1u) * WMASK_HALF + ${u(shared.at)} + copy * ${u(m.words)}` : `${u(m.offset)} + ((t + ${u(L.maskRing - 1 - d.delay)}) % ${u(L.maskRing)}) * ${u(L.B * m.words)} + copy * ${u(m.words)}`;
      return [
        `  { let base = ${base};`,
        `    for (var w = 0u; w < ${u(m.words)}; w++) {`,
        `      var bits = ${shared ? 'wmask[base + w]' : 'bitcast<u32>(atomicLoad(&acc[base + w]))'};`,
        '      loop {',
        '        if (bits == 0u) { break; }',
        `        sum += tabf(${u(T.syn + d.weights)} + (w * 32u + countTrailingZeros(bits)) * ${u(pl.plan.target.size)} + k);`,
        '        bits &= bits - 1u;',
        '      }', '    } }',
      ].join('\n');
    }).join('\n');
    return [{
      slot: q,
      gather: `fn dense_${q}(t: u32, copy: u32, k: u32) -> f32 {\n  var sum = 0.0;\n${body(true)}\n  return sum;\n}`,
      direct: `// The same sum for the sample phase, which reads the masks after the neurons wrote this step's.\nfn dense_direct_${q}(t: u32, copy: u32, k: u32) -> f32 {\n  var sum = 0.0;\n${body(false)}\n  return sum;\n}`,
    }];
  });
}

/** Spike masks: set the bit of a spiking element (the dense gathers of later steps read it). */
export function maskCode(L: GpuLayout, q: number): string {
  const m = L.masks[q];
  return m ? ` atomicOr(&acc[${u(m.offset)} + (t % ${u(L.maskRing)}) * ${u(L.B * m.words)} + copy * ${u(m.words)} + (k >> 5u)], bitcast<i32>(1u << (k & 31u)));` : '';
}

/** Clears the mask slot of step t + 1 (read last 3 or more steps ago), one word per work item. */
export function maskClear(L: GpuLayout): string[] {
  return L.masks.flatMap((m) => (m ? [`  if (i < ${u(L.B * m.words)}) { atomicStore(&acc[${u(m.offset)} + ((t + 1u) % ${u(L.maskRing)}) * ${u(L.B * m.words)} + i], 0); }`] : []));
}

/**
 * A procedural projection: the spiking neuron's row drawn again, draw for draw as the host build
 * makes it (src/compile/csr.ts, shaders/connectivity_draws.wgsl), its weights from each
 * synapse's weight word, added in fixed point.
 */
function proceduralCode(L: GpuLayout, pl: GpuLayout['projections'][number]): string[] {
  const T = tableBases(L), pr = pl.plan, nPost = pr.target.size, c = pr.spec.connectivity;
  const P = pl.procedural!, stream = pr.index, noSelf = P.noSelf ? 'true' : 'false';
  const weight = (word: string) => spikeWeight(L, pl, word);
  const head = rowHead(L, pl, P.normalDelay === null);
  if (c.rule === 'fixed-total') {
    const scale = L.slots[pl.slot]!.scale, W = P.normalWeight, D = P.normalDelay;
    const normal = (n: RedrawnNormal, what: number) => `redrawn_normal(i, j, ${u(stream)}, ${u(what)}, ${f(n.mean)}, ${f(n.sd)}, ${f(n.lo)}, ${f(n.hi)}, P.seed)`;
    return [...head,
      `    for (var j = 0u; j < tab[${u(T.syn + P.rowLen!)} + i]; j++) {`,
      `      let post = total_target(i, j, ${u(nPost)}, ${noSelf}, ${u(stream)}, P.seed);`,
      // A delay past the ring's bound (mean + 7 sd: a chance below 1e-11) is held at it.
      ...(D ? [`      let base = ${ringAt(L, pl, `min(u32(floor(${normal(D, 2)} + 0.5)), ${u(D.last)})`)};`] : []),
      // Fixed point as the host rounds a stored weight (Math.round: halves up).
      `      atomicAdd(&acc[base + post], ${W && pl.perCopy === null ? `round_half_up(${normal(W, 1)} * ${f(scale)})` : weight(`slot_weight_word(i, j, ${u(stream)}, P.seed)`)});`,
      '    }', '  }'];
  }
  if (c.rule === 'fixed-out-degree') {
    return [...head,
      `    for (var j = 0u; j < ${u(c.k)}; j++) {`,
      `      let syn = degree_synapse(i, j, ${u(nPost)}, ${noSelf}, ${u(stream)}, P.seed);`,
      `      atomicAdd(&acc[base + syn.x], ${weight('syn.y')});`,
      '    }', '  }'];
  }
  const blocks = Math.ceil(nPost / 32), tailSize = nPost % 32 || 32;
  return [...head,
    `    for (var quad = 0u; quad * 4u < ${u(blocks)}; quad++) {`,
    `      let w = probability_count_words(i, quad, ${u(stream)}, P.seed);`,
    `      for (var b = 4u * quad; b < min(4u * quad + 4u, ${u(blocks)}); b++) {`,
    `        let m = select(32u, ${u(tailSize)}, b == ${u(blocks - 1)});`,
    `        let cdf = ${u(T.syn + P.cdf)} + select(0u, 32u, b == ${u(blocks - 1)} && m != 32u);`,
    '        var n = 0u;',
    '        loop { if (n >= m || w[b & 3u] < tab[cdf + n]) { break; } n += 1u; }',
    '        if (n == 0u) { continue; }',
    `        var chosen = probability_block_slots(i, b, n, m, ${noSelf}, ${u(stream)}, P.seed);`,
    '        loop {',
    '          if (chosen == 0u) { break; }',
    '          let post = b * 32u + countTrailingZeros(chosen);',
    '          chosen &= chosen - 1u;',
    `          atomicAdd(&acc[base + post], ${weight(`probability_weight_word(i, post, ${u(stream)}, P.seed)`)});`,
    '        }', '      }', '    }', '  }'];
}

export function propagateCode(plan: Plan, L: GpuLayout): string[] {
  const T = tableBases(L), out: string[] = [];
  for (const pl of L.projections) {
    if (pl.slot < 0 || pl.dense || pl.rows) continue;  // rows the GPU drew propagate from their stores (gpu_stores.ts)
    if (pl.procedural) { out.push(...proceduralCode(L, pl)); continue; }
    // With per-synapse delays each synapse finds its own ring slot.
    const base = pl.delay !== null ? ringAt(L, pl, `tab[${u(T.syn + pl.delay)} + s]`) : 'base';
    out.push(
      ...rowHead(L, pl),
      `    for (var s = tab[${u(T.syn + pl.rowStart)} + i]; s < tab[${u(T.syn + pl.rowStart)} + i + 1u]; s++) {`,
      `      atomicAdd(&acc[${base} + tab[${u(T.syn + pl.post)} + s]], ${spikeWeight(L, pl)});`,
      '    }',
      '  }',
    );
  }
  return out;
}
