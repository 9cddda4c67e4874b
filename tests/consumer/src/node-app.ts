// A Node program using spikegpu as its users do: the seed network on the CPU, typed end to end.
import { createSimulation, seedNetwork, type Network, type Simulation } from 'spikegpu';

const net: Network = seedNetwork({ neurons: 200, seed: 1 });
const sim: Simulation = await createSimulation(net, { backend: 'cpu' });
await sim.run({ steps: 200 });
const { spikes, steps } = sim.summary();
sim.destroy();
console.log(JSON.stringify({ spikes, steps, backend: sim.backend }));
