// Global neuron indices (populations numbered one after another in the description's order, as
// spikes report them) to per-population probes, and back: written once for the CLI, the page and the tests.
import type { Network, Population, Probe } from './network.js';

/**
 * A network, or anything with its populations.
 * @inline
 */
type Populations = Pick<Network, 'populations'>;

/** Neurons in one copy of the network: its populations' sizes summed. */
export function networkSize(net: Populations): number {
  return net.populations.reduce((a, p) => a + p.size, 0);
}

/** Refuses what is not a global neuron index of a network of `n` neurons, naming it and `n`. */
function checkGlobal(n: number, neuron: number): void {
  if (!Number.isInteger(neuron) || neuron < 0 || neuron >= n) {
    throw new RangeError(`neuron ${neuron} is not in the network: global indices are 0 to ${n - 1} (${n} neurons)`);
  }
}

/** The population global neuron `neuron` belongs to, and its index there. */
export function locate(net: Populations, neuron: number): { population: string; neuron: number } {
  checkGlobal(networkSize(net), neuron);
  let start = 0;
  for (const p of net.populations) {
    if (neuron < start + p.size) return { population: p.name, neuron: neuron - start };
    start += p.size;
  }
  throw new Error('unreachable: checkGlobal bounds the index');
}

/** The global index of neuron `neuron` of population `population`. */
export function globalIndex(net: Populations, population: string, neuron: number): number {
  let start = 0;
  for (const p of net.populations) {
    if (p.name === population) {
      if (!Number.isInteger(neuron) || neuron < 0 || neuron >= p.size) throw new RangeError(`neuron ${neuron} is not in population ${population} (indices 0 to ${p.size - 1})`);
      return start + neuron;
    }
    start += p.size;
  }
  throw new RangeError(`no population named ${population}; there are ${net.populations.map((q) => q.name).join(', ')}`);
}

/** Per population holding any of `neurons` (in order, each once: a probe names a neuron once), one probe per variable (a list, or one per population). */
export function probesOf(net: Populations, neurons: readonly number[], variables: readonly string[] | ((p: Population) => readonly string[])): Probe[] {
  const n = networkSize(net);
  for (const i of neurons) checkGlobal(n, i);
  neurons = [...new Set(neurons)];
  let start = 0;
  return net.populations.flatMap((p) => {
    const mine = neurons.filter((i) => i >= start && i < start + p.size).map((i) => i - start);
    start += p.size;
    if (mine.length === 0) return [];
    return (typeof variables === 'function' ? variables(p) : variables).map((variable) => ({ population: p.name, variable, neurons: [...mine] }));
  });
}
