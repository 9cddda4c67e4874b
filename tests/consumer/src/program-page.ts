// A page that runs the seed network from a program compiled ahead of time (docs/programs.md): it
// loads spikegpu/program, not the validator, the model compiler or the code generator.
import { loadProgram } from 'spikegpu/program';

const out = document.querySelector('#out')!;
try {
  const program: unknown = await (await fetch('./seed.program.json')).json();
  const sim = await loadProgram(program);
  await sim.run({ steps: 100 });
  out.textContent = JSON.stringify({ backend: sim.backend, spikes: sim.summary().spikes });
  sim.destroy();
} catch (e) {
  out.textContent = `error: ${(e as Error).message}`;
}
