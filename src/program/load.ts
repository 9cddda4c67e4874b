// loadProgram: runs a program compiled ahead of time (src/program/compile.ts) on the GPU. This
// entry (spikegpu/program) holds no validator, model compiler or code generator: the program
// carries what they produced, and loading only draws the network's data from its seed and builds
// the engine (docs/programs.md).
import { checkFootprint } from '../compile/memory.js';
import { planNetwork } from '../compile/plan.js';
import type { ParsedModel } from '../equations/model.js';
import type { EngineSource } from '../engine/gpu_shape.js';
import { Recorder } from '../run/recorder.js';
import { Simulation, type SimulationOptions, checkOptions } from '../run/simulation.js';
import type { Network } from '../spec/network.js';
import { VERSION } from '../version.js';
import { type GpuProgram, PROGRAM_FORMAT, PROGRAM_FORMAT_VERSION, ProgramError, decode, integrityOf, layoutHash } from './format.js';

export { type GpuProgram, ProgramError } from './format.js';

/** The program's fields, each of the type it must have, or a ProgramError naming the first that is not. */
function checkProgram(x: unknown): GpuProgram {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ProgramError('format', `a program is an object (compileProgram's result, or its JSON parsed), got ${Array.isArray(x) ? 'an array' : typeof x}`);
  const p = x as Record<string, unknown>;
  if (p.format !== PROGRAM_FORMAT) throw new ProgramError('format', `must be '${PROGRAM_FORMAT}', got ${JSON.stringify(p.format)}: not a compiled program`);
  if (p.formatVersion !== PROGRAM_FORMAT_VERSION) throw new ProgramError('formatVersion', `this spikegpu reads version ${PROGRAM_FORMAT_VERSION}, got ${JSON.stringify(p.formatVersion)}`);
  if (p.library !== VERSION) throw new ProgramError('library', `compiled by spikegpu ${JSON.stringify(p.library)}; this is ${VERSION}: compile it again with this version`);
  const types: Record<string, string> = { stepsPerSubmit: 'number', spikeCapacity: 'number', footprint: 'object', code: 'string', layout: 'string', integrity: 'string', network: 'object', models: 'object' };
  for (const [field, type] of Object.entries(types)) {
    if (typeof p[field] !== type || p[field] === null) throw new ProgramError(field, `must be ${type === 'object' ? 'an object' : `a ${type}`}, got ${p[field] === null ? 'null' : typeof p[field]}`);
  }
  const program = x as GpuProgram;
  if (integrityOf(program) !== program.integrity) throw new ProgramError('integrity', 'the program was changed after it was compiled: compile it again rather than edit it');
  return program;
}

/** The options a program fixed when it was compiled: given again, they must agree. */
function checkCompiledOptions(program: GpuProgram, options: SimulationOptions): void {
  if ((options.backend ?? 'gpu') !== 'gpu') throw new RangeError("backend: a compiled program runs on the GPU; createSimulation(network, { backend: 'cpu' }) runs the CPU reference");
  for (const name of ['stepsPerSubmit', 'spikeCapacity'] as const) {
    const given = options[name];
    if (given !== undefined && given !== program[name]) throw new RangeError(`${name}: the program was compiled for ${program[name]}, got ${given}; compile it with ${name} ${given}`);
  }
}

/**
 * Builds a simulation from a compiled program on the GPU (`options.device`, or one it acquires),
 * as createSimulation builds one from the description: the same spikes, state and API.
 */
export async function loadProgram(program: unknown, options: SimulationOptions = {}): Promise<Simulation> {
  const p = checkProgram(program);
  checkCompiledOptions(p, options);
  checkOptions({ ...options, backend: 'gpu' });
  const net = decode(p.network) as Network, models = decode(p.models) as ParsedModel[];
  const source: EngineSource = {
    net,
    footprint: (limits) => checkFootprint(p.footprint, limits, options.memoryLimit, () => p.footprint),
    compile: () => { const plan = planNetwork(net, models); return { plan, rec: new Recorder(plan) }; },
    code: (shape) => {
      if (layoutHash(shape) !== p.layout) throw new ProgramError('layout', 'the network drawn here is laid out unlike the one the code was compiled for: compile it again');
      return p.code;
    },
  };
  const { GpuEngine } = await import('../engine/gpu.js');
  const engine = await GpuEngine.create(source, { ...options, stepsPerSubmit: p.stepsPerSubmit, spikeCapacity: p.spikeCapacity });
  return new Simulation(engine.plan, engine, engine.recorder, engine.adapter, engine);
}
