// A population's step as both backends generate it: the model's statements with the values every
// neuron shares and dt folded in, and what each remaining name stands for. Shared, so the GPU
// backend loads none of the CPU's code.
import { REFRACTORY_LEFT, stepStatements } from '../equations/compile.js';
import { foldStatements } from '../equations/fold.js';
import { DT, INPUT, type Statement } from '../equations/model.js';
import type { PopulationPlan } from '../compile/plan.js';

/**
 * One step of population p with the values every neuron shares and dt folded in (both backends
 * generate it), and the locals it keeps: the state variables and the refractory count.
 */
export function foldedStep(p: PopulationPlan, dt: number): { statements: Statement[]; locals: Set<string> } {
  const values = new Map<string, number>([[DT, dt]]);
  p.model.parameters.forEach((name, k) => { if (typeof p.params[k] === 'number') values.set(name, p.params[k] as number); });
  const locals = new Set([...p.model.variables, REFRACTORY_LEFT]);
  return { statements: foldStatements(stepStatements(p.model, p.integrator, p.refractory !== null), values, locals), locals };
}

/** What a name in the step is: a shared parameter's literal, a per-element parameter, the input, or dt. */
export function populationResolver(p: PopulationPlan, dt: number, literalOf: (x: number) => string, perElement: (k: number) => string) {
  return (name: string): string | undefined => {
    const k = p.model.parameters.indexOf(name);
    if (k >= 0) return typeof p.params[k] === 'number' ? literalOf(p.params[k] as number) : perElement(k);
    if (name === INPUT) return '_in';
    if (name === DT) return literalOf(dt);
    return undefined;
  };
}
