// createSimulation: a network description validated, compiled and built on the backend the
// options name, its kernels generated now. A page can instead load a program compiled ahead of
// time (src/program/load.ts) and leave the validator and the code generator out of its bundle.
import { checkGpuMemory, checkSize } from '../compile/memory.js';
import { type Plan, compileValidated } from '../compile/plan.js';
import { engineCode } from '../engine/gpu_engine_code.js';
import type { GpuEngineOptions } from '../engine/gpu_options.js';
import type { EngineSource } from '../engine/gpu_shape.js';
import type { Network } from '../spec/network.js';
import { assertNetwork } from '../spec/validate.js';
import { Recorder } from './recorder.js';
import { Simulation, type SimulationOptions, checkOptions } from './simulation.js';

/** What the GPU engine builds a validated description from: its footprint, its plan, and kernels generated for them. */
export function generatedSource(net: Network, options: GpuEngineOptions = {}): EngineSource {
  return {
    net,
    footprint: (limits) => checkGpuMemory(net, limits, options),
    compile: () => { const plan: Plan = compileValidated(net); return { plan, rec: new Recorder(plan) }; },
    code: engineCode,
  };
}

/** The one entry point: validates `network` (NetworkSpecError names the field), compiles it, and builds the backend `options.backend` names. */
export async function createSimulation(network: unknown, options: SimulationOptions = {}): Promise<Simulation> {
  const backend = checkOptions(options);
  // threads before anything is built: a bad value is refused by name.
  if (backend === 'gpu' && options.threads !== undefined && options.threads !== 1) throw new RangeError(`threads: an option of the CPU backend; backend 'gpu' takes none (got threads ${String(options.threads)})`);
  const threads = backend === 'gpu' ? 1 : await (await import('../engine/cpu_threads.js')).resolveThreads(options.threads);
  const net = assertNetwork(network);
  checkSize(net, backend, options);  // before 10⁶ neurons' values are computed
  if (backend === 'gpu') {
    const { GpuEngine } = await import('../engine/gpu.js');
    const engine = await GpuEngine.create(generatedSource(net, options), options);
    return new Simulation(engine.plan, engine, engine.recorder, engine.adapter, engine);
  }
  const plan = compileValidated(net);
  const recorder = new Recorder(plan);
  const { CpuEngine } = await import('../engine/cpu.js');
  const engine = await CpuEngine.create(plan, { precision: options.precision, threads });
  return new Simulation(plan, engine, recorder, `CPU reference (${engine.precision}${threads > 1 ? `, ${threads} threads` : ''})`);
}
