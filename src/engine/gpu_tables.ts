// Small pieces every generated GPU kernel file shares: where the three tables merged into the
// kernels' one read-only buffer `tab` begin, WGSL literals, and the head of a row's propagation.
import { literal } from '../equations/emit.js';
import type { PopulationPlan } from '../compile/plan.js';
import type { GpuLayout, ProjectionLayout } from './gpu_layout.js';

/** Base words of the tables merged into `tab`: parameters, synapses, inputs. */
export function tableBases(L: GpuLayout) { return { params: 0, syn: L.words.params, inputs: L.words.params + L.words.syn }; }

/** An f32 literal, and a u32 literal. */
export const f = (x: number) => literal(x, 'wgsl');
export const u = (x: number) => `${x}u`;

/** WGSL: whether element g is one of population p's (any copy). */
export const inPopulation = (L: GpuLayout, p: PopulationPlan) => `g >= ${u(L.popBase[p.index]!)} && g < ${u(L.popBase[p.index]! + L.B * p.size)}`;
/** WGSL: element g's index e within population p, its copy and its neuron i. */
export const elementOf = (L: GpuLayout, p: PopulationPlan) => `let e = g - ${u(L.popBase[p.index]!)}; let copy = e / ${u(p.size)}; let i = e - copy * ${u(p.size)};`;

/** WGSL: the word of target 0 of this copy in the ring slot where a spike of `pl` sent at step t with `delay` steps lands. */
export function ringAt(L: GpuLayout, pl: ProjectionLayout, delay: string): string {
  const nPost = pl.plan.target.size;
  return `${u(L.slots[pl.slot]!.offset)} + ((t + 1u + ${delay}) % ${u(L.ring)}) * ${u(L.B * nPost)} + copy * ${u(nPost)}`;
}

/** WGSL: the opening of a spiking source neuron's row (closed by '  }'): e, copy and i, and with one delay the ring base `base`. */
export function rowHead(L: GpuLayout, pl: ProjectionLayout, oneDelay = pl.delay === null): string[] {
  const src = pl.plan.source, one = oneDelay ? [`    let base = ${ringAt(L, pl, u(pl.synapses.delay as number))};`] : [];
  return [`  if (${inPopulation(L, src)}) {`, `    ${elementOf(L, src)}`, ...one];
}

/** WGSL: a spike's fixed-point weight: the copy's, a uniform draw from `word` (drawn rows), the synapse s's own, or the projection's one. */
export function spikeWeight(L: GpuLayout, pl: ProjectionLayout, word = ''): string {
  const syn = tableBases(L).syn, drawn = pl.procedural ?? pl.rows;
  if (pl.perCopy !== null) return `bitcast<i32>(tab[${u(syn + pl.perCopy)} + copy])`;
  if (drawn?.random) return `(${drawn.low}i + i32(philox_mulhi(${word}, ${u(drawn.span)})))`;
  return pl.weight !== null ? `bitcast<i32>(tab[${u(syn + pl.weight)} + s])` : `${pl.constant}i`;
}
