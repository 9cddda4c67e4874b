// Global neuron indices to per-population probes and back (src/spec/probes.ts), over two and three
// populations; indices outside the network are refused naming the index and the network's size.
import { describe, expect, test } from 'vitest';
import type { Network } from '../src/spec/network';
import { globalIndex, locate, networkSize, probesOf } from '../src/spec/probes';

const net = (...sizes: [string, number][]): Pick<Network, 'populations'> => ({ populations: sizes.map(([name, size]) => ({ name, size, model: 'izhikevich' })) });
const two = net(['exc', 800], ['inh', 200]);
const three = net(['a', 3], ['b', 1], ['c', 4]);

describe('probesOf', () => {
  test('two populations: one probe per population holding a neuron and variable, neurons in the order given', () => {
    expect(probesOf(two, [999, 3, 800, 799], ['v', 'u'])).toEqual([
      { population: 'exc', variable: 'v', neurons: [3, 799] }, { population: 'exc', variable: 'u', neurons: [3, 799] },
      { population: 'inh', variable: 'v', neurons: [199, 0] }, { population: 'inh', variable: 'u', neurons: [199, 0] },
    ]);
    expect(probesOf(two, [5], ['v'])).toEqual([{ population: 'exc', variable: 'v', neurons: [5] }]);
    expect(probesOf(two, [], ['v'])).toEqual([]);
    expect(probesOf(two, [5, 5, 900, 5], ['v'])).toEqual([{ population: 'exc', variable: 'v', neurons: [5] }, { population: 'inh', variable: 'v', neurons: [100] }]);  // each once
  });

  test('three populations, a population with none skipped, variables per population', () => {
    expect(probesOf(three, [7, 0, 2, 4], (p) => (p.name === 'c' ? ['v', 'I'] : ['v']))).toEqual([
      { population: 'a', variable: 'v', neurons: [0, 2] },
      { population: 'c', variable: 'v', neurons: [3, 0] }, { population: 'c', variable: 'I', neurons: [3, 0] },
    ]);
  });

  test('indices outside the network are refused with a RangeError naming the index and the size', () => {
    expect(() => probesOf(two, [3, 1000], ['v'])).toThrow(RangeError);
    expect(() => probesOf(two, [3, 1000], ['v'])).toThrow('neuron 1000 is not in the network: global indices are 0 to 999 (1000 neurons)');
    expect(() => probesOf(three, [-1], ['v'])).toThrow('neuron -1 is not in the network: global indices are 0 to 7 (8 neurons)');
    expect(() => probesOf(three, [1.5], ['v'])).toThrow(RangeError);
  });
});

describe('locate and globalIndex', () => {
  test('two populations: the boundary on either side', () => {
    expect(networkSize(two)).toBe(1000);
    expect(locate(two, 0)).toEqual({ population: 'exc', neuron: 0 });
    expect(locate(two, 799)).toEqual({ population: 'exc', neuron: 799 });
    expect(locate(two, 800)).toEqual({ population: 'inh', neuron: 0 });
    expect(locate(two, 999)).toEqual({ population: 'inh', neuron: 199 });
    expect(globalIndex(two, 'inh', 199)).toBe(999);
  });

  test('three populations: every index there and back, and as probesOf lays it out', () => {
    const where = Array.from({ length: networkSize(three) }, (_, i) => locate(three, i));
    expect(where.map((w) => `${w.population}${w.neuron}`)).toEqual(['a0', 'a1', 'a2', 'b0', 'c0', 'c1', 'c2', 'c3']);
    where.forEach((w, i) => expect(globalIndex(three, w.population, w.neuron)).toBe(i));
    const back = probesOf(three, [6, 3, 1], ['v']).flatMap((p) => p.neurons.map((j) => globalIndex(three, p.population, j)));
    expect(back.sort((x, y) => x - y)).toEqual([1, 3, 6]);
  });

  test('out of range: RangeErrors naming the index and the size', () => {
    expect(() => locate(three, 8)).toThrow(new RangeError('neuron 8 is not in the network: global indices are 0 to 7 (8 neurons)'));
    expect(() => locate(two, -1)).toThrow(RangeError);
    expect(() => globalIndex(three, 'b', 1)).toThrow(new RangeError('neuron 1 is not in population b (indices 0 to 0)'));
    expect(() => globalIndex(three, 'x', 0)).toThrow(RangeError);
    expect(() => globalIndex(three, 'd', 0)).toThrow('no population named d');
  });
});
