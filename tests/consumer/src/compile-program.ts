// A build step as a project would write it: the seed network compiled ahead of time (Node entry)
// into the program the page loads (src/program-page.ts).
import { writeFileSync } from 'node:fs';
import { compileProgram, seedNetwork, type GpuProgram } from 'spikegpu';

const program: GpuProgram = compileProgram(seedNetwork({ neurons: 200, seed: 1 }));
writeFileSync(process.argv[2] ?? 'seed.program.json', JSON.stringify(program));
