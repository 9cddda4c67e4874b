// A Node program using spikegpu as its users do: the seed network on the CPU, typed end to end.
import { createSimulation, seedNetwork, type Network, type Simulation } from 'spikegpu';
import { synchronyIndex } from 'spikegpu/analysis';
import { rasterSvg } from 'spikegpu/plot';
import type { GpuSpikeRaster } from 'spikegpu/render';

const net: Network = seedNetwork({ neurons: 200, seed: 1 });
const sim: Simulation = await createSimulation(net, { backend: 'cpu' });
await sim.run({ steps: 200 });
const { spikes, steps } = sim.summary();
const svg = rasterSvg(sim.spikes(), { steps, dt: net.dt, neurons: 200 });
const synchrony = synchronyIndex(sim.spikes(), steps);
const raster: GpuSpikeRaster | null = null;  // the subpath's types resolve
sim.destroy();
console.log(JSON.stringify({ spikes, steps, backend: sim.backend, svg: svg.startsWith('<svg'), synchrony: Number.isFinite(synchrony), raster }));
