// A page that runs only the seed network, on the GPU, as a student's first page would. The
// JavaScript it loads is what issue 15 measures (tests/browser/consumer.spec.ts).
import { createSimulation, seedNetwork } from 'spikegpu';

const out = document.querySelector('#out')!;
try {
  const sim = await createSimulation(seedNetwork({ neurons: 200, seed: 1 }), { backend: 'gpu' });
  await sim.run({ steps: 100 });
  out.textContent = JSON.stringify({ backend: sim.backend, spikes: sim.summary().spikes });
  sim.destroy();
} catch (e) {
  out.textContent = `error: ${(e as Error).message}`;
}
