// loadProgram: runs a program compiled ahead of time (src/program/compile.ts) on the GPU. This
// entry (spikegpu/program) holds no validator, model compiler or code generator: the program
// carries what they produced, and loading only draws the network's data from its seed and builds
// the engine (docs/programs.md).
import { checkFootprint } from '../compile/memory.js';
import { planNetwork } from '../compile/plan.js';
import type { ParsedModel } from '../equations/model.js';
import type { EngineSource } from '../engine/gpu_shape.js';
import { drawsRows } from '../engine/gpu_stores.js';
import { Recorder } from '../run/recorder.js';
import { Simulation, type SimulationOptions, checkOptions } from '../run/simulation.js';
import type { Network } from '../spec/network.js';
import { LIBRARY } from '../version.js';
import { type GpuProgram, PROGRAM_FORMAT, PROGRAM_FORMAT_VERSION, ProgramError, decode, integrityOf, layoutHash } from './format.js';

export { type GpuProgram, ProgramError } from './format.js';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown, lo: number) => typeof x === 'number' && Number.isInteger(x) && x >= lo;

/** The program's fields, each of the type it must have, or a ProgramError naming the first that is not. */
function checkProgram(x: unknown): GpuProgram {
  if (!isObject(x)) throw new ProgramError('format', `a program is an object (compileProgram's result, or its JSON parsed), got ${Array.isArray(x) ? 'an array' : x === null ? 'null' : typeof x}`);
  const p = x;
  if (p.format !== PROGRAM_FORMAT) throw new ProgramError('format', `must be '${PROGRAM_FORMAT}', got ${JSON.stringify(p.format)}: not a compiled program`);
  if (p.formatVersion !== PROGRAM_FORMAT_VERSION) throw new ProgramError('formatVersion', `this spikegpu reads version ${PROGRAM_FORMAT_VERSION}, got ${JSON.stringify(p.formatVersion)}`);
  if (p.library !== LIBRARY) throw new ProgramError('library', `compiled by spikegpu ${JSON.stringify(p.library)}; this is ${LIBRARY}: compile it again with this build`);
  const kinds: Record<string, [string, (v: unknown) => boolean]> = {
    network: ['an object', isObject], models: ['an array', Array.isArray], footprint: ['an object', isObject],
    stepsPerSubmit: ['a whole number ≥ 1', (v) => isCount(v, 1)], spikeCapacity: ['a whole number ≥ 0', (v) => isCount(v, 0)],
    code: ['a string', (v) => typeof v === 'string'], layout: ['a string', (v) => typeof v === 'string'], integrity: ['a string', (v) => typeof v === 'string'],
  };
  for (const [field, [what, ok]] of Object.entries(kinds)) {
    if (!ok(p[field])) throw new ProgramError(field, `must be ${what}, got ${JSON.stringify(p[field]) ?? 'undefined'}`);
  }
  const program = x as unknown as GpuProgram;
  if (integrityOf(program) !== program.integrity) throw new ProgramError('integrity', 'the program was changed after it was compiled: compile it again rather than edit it');
  return program;
}

/** The options a program fixed when it was compiled: given again, they must agree. */
function checkCompiledOptions(program: GpuProgram, options: SimulationOptions): void {
  if (options.threads !== undefined && options.threads !== 1) throw new RangeError(`threads: an option of the CPU backend; a compiled program runs on the GPU (got threads ${String(options.threads)})`);
  for (const name of ['stepsPerSubmit', 'spikeCapacity'] as const) {
    const given = options[name];
    if (given !== undefined && given !== program[name]) throw new RangeError(`${name}: the program was compiled for ${program[name]}, got ${given}; compile it with ${name} ${given}`);
  }
}

/** The description and one parsed model per population, or a ProgramError naming the field. */
function decodeNetwork(p: GpuProgram): { net: Network; models: ParsedModel[] } {
  const net = decode(p.network, 'network') as Network, models = decode(p.models, 'models') as ParsedModel[];
  if (!Array.isArray(net.populations)) throw new ProgramError('network', 'has no populations: not a compiled description');
  if (models.length !== net.populations.length) throw new ProgramError('models', `has ${models.length} models for ${net.populations.length} populations`);
  return { net, models };
}

/**
 * Builds a simulation from a compiled program on the GPU (`options.device`, or one it acquires),
 * as createSimulation builds one from the description: the same spikes, state and API.
 */
export async function loadProgram(program: unknown, options: SimulationOptions = {}): Promise<Simulation> {
  checkOptions(options);
  if (options.backend === 'cpu') throw new RangeError("backend: a compiled program runs on the GPU; createSimulation(network, { backend: 'cpu' }) runs the CPU reference");
  const p = checkProgram(program);
  checkCompiledOptions(p, options);
  const { net, models } = decodeNetwork(p);
  const source: EngineSource = {
    net,
    footprint: (limits) => checkFootprint(p.footprint, limits, options.memoryLimit, () => p.footprint),
    compile: () => { const plan = planNetwork(net, models); return { plan, rec: new Recorder(plan) }; },
    check: (shape) => {
      if (layoutHash(shape) !== p.layout) throw new ProgramError('layout', 'the network drawn here is laid out unlike the one the code was compiled for: compile it again');
    },
    // Rows the GPU drew lie where this device's buffers put them: their code is placed now (loaded only for such a program).
    code: async (shape) => (drawsRows(shape.L) ? (await import('../engine/gpu_stores_code.js')).placeStores(p.code, shape.L) : p.code),
  };
  const { GpuEngine } = await import('../engine/gpu.js');
  // A program that records no spikes was sized for none (0), which the option itself cannot say.
  const engine = await GpuEngine.create(source, { ...options, stepsPerSubmit: p.stepsPerSubmit, spikeCapacity: p.spikeCapacity > 0 ? p.spikeCapacity : undefined });
  return new Simulation(engine.plan, engine, engine.recorder, engine.adapter, engine);
}
