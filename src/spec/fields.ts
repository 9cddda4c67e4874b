// What code outside validation reads of a description's fields, apart from their schema
// (src/spec/network.ts): a page that loads a compiled program must not load the validator.
import type { Input, Projection } from './network.js';
import type { InputValue } from './values.js';

/** Variables a synapse probe reads: the currents of electrical and diffusion synapses, and the diffusion synapse's r. */
export const SYNAPSE_PROBE_VARIABLES = ['i', 'i_source', 'r'] as const;

/** The field of each input kind that holds a value per neuron (the one a batch may vary). */
const INPUT_VALUE_FIELD: Readonly<Record<string, 'amplitude' | 'sigma' | 'rate'>> = { constant: 'amplitude', noise: 'sigma', poisson: 'rate' };

/** An input's value per neuron and its field, or null for kinds without one. */
export function inputValueOf(inp: Input): { field: 'amplitude' | 'sigma' | 'rate'; value: InputValue } | null {
  const field = INPUT_VALUE_FIELD[inp.kind];
  return field === undefined ? null : { field, value: (inp as unknown as Record<string, InputValue>)[field]! };
}

/** Whether a projection leaves out i → i: within one population, unless autapses are asked for. */
export const excludesSelf = (pr: Projection): boolean => pr.source === pr.target && !('autapses' in pr.connectivity && pr.connectivity.autapses);

/** Synapses a projection makes when the rule fixes the count (null: drawn at random); `self`: one population, no autapses. */
export function fixedCount(pr: Projection, nPre: number, nPost: number, self = false): number | null {
  const c = pr.connectivity;
  switch (c.rule) {
    case 'all-to-all': return nPre * (nPost - (self ? 1 : 0));
    case 'one-to-one': return nPre;
    case 'fixed-in-degree': return c.k * nPost;
    case 'fixed-out-degree': return c.k * nPre;
    case 'fixed-total': return c.n;
    case 'list': return c.pre.length;
    case 'dense': case 'seed-random': return nPre * nPost;
    default: return null;
  }
}
