// What a plan will need, known before anything is built or allocated: the synapses of each
// projection (exact for the rules that fix them, the mean plus six standard deviations for fixed
// probability) and the bytes of each part on the GPU. Networks too large for the host build or
// the device are refused here, naming the field and the limit.
import { excludesSelf, fixedCount } from '../spec/check';
import { NetworkSpecError } from '../spec/validate';
import type { Network, Projection } from '../spec/network';
import type { Plan } from './plan';

/** Synapses the host may build for one network (about 24 bytes each while building). */
const MAX_HOST_SYNAPSES = 2 ** 27;

/** Synapses of a projection: exact, or an upper bound a draw exceeds with probability below 1e-9. */
function synapseBound(pr: Projection, nPre: number, nPost: number): number {
  const c = pr.connectivity, self = excludesSelf(pr);
  return fixedCount(pr, nPre, nPost, self) ?? probabilityBound(c.rule === 'fixed-probability' ? c.p : 1, nPre * (nPost - (self ? 1 : 0)));
}

/** The synapses of `pairs` pairs each connected with probability p: the mean plus 6σ, at most all. */
function probabilityBound(p: number, pairs: number): number {
  const mean = p * pairs;
  return Math.min(pairs, Math.ceil(mean + 6 * Math.sqrt(mean * (1 - p)) + 6));
}

/** Bytes the GPU backend needs, by part (rows stored as u32 targets plus per-synapse weights and delays). */
export function gpuEstimate(plan: Plan): Record<string, number> {
  const B = plan.copies;
  const synapses = plan.projections.map((pr) => (pr.spec.storage === 'procedural' ? 0 : synapseBound(pr.spec, pr.source.size, pr.target.size)));
  let rows = 0, dense = 0;
  plan.projections.forEach((pr, k) => {
    if (pr.spec.storage === 'procedural') return;
    const rule = pr.spec.connectivity.rule;
    if (rule === 'dense' || rule === 'seed-random' || pr.spec.storage === 'dense') dense += 4 * pr.source.size * pr.target.size;
    else rows += 4 * (pr.source.size + 1) + 4 * synapses[k]! * (1 + (typeof pr.spec.weight === 'object' ? 1 : 0) + (typeof pr.spec.delay === 'object' ? 1 : 0));
  });
  const maxDelay = Math.max(0, ...plan.projections.map((pr) => (typeof pr.spec.delay === 'number' ? pr.spec.delay : 0)));
  const state = plan.populations.reduce((n, p) => n + 4 * B * p.size * (p.model.variables.length + 2), 0);
  const arrivals = plan.projections.reduce((n, pr) => n + 4 * (maxDelay + 1) * B * pr.target.size, 0);
  return { state, synapses: rows + dense, arrivals, spikes: 4 * (2 + 2 * B * plan.n) };
}

/**
 * Refuses, by field, a network whose host build would pass its limit: checked on the description
 * itself, before its neurons' values are computed (10⁶ neurons take seconds) or anything is built.
 */
export function checkSize(net: Network, backend: 'cpu' | 'gpu'): void {
  const sizes = new Map(net.populations.map((p) => [p.name, p.size]));
  let hostSynapses = 0;
  for (const [k, pr] of (net.projections ?? []).entries()) {
    if (backend === 'gpu' && pr.storage === 'procedural') continue;
    const c = pr.connectivity;
    hostSynapses += synapseBound(pr, sizes.get(pr.source)!, sizes.get(pr.target)!);
    if (hostSynapses > MAX_HOST_SYNAPSES) {
      const hint = c.rule === 'fixed-probability' || c.rule === 'fixed-out-degree' ? " (storage 'procedural' stores none on the GPU)" : '';
      throw new NetworkSpecError([{ path: `projections[${k}].connectivity`, message: `the network would build up to ${hostSynapses} synapses on the host; at most ${MAX_HOST_SYNAPSES}${hint}` }]);
    }
  }
}
