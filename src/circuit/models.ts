// Circuits run the declared models (src/models/) through generated code: one WGSL function per
// model and integrator for shaders/circuit.wgsl, and the same statements as JavaScript for the
// CPU reference. A circuit neuron keeps up to 4 state variables (a vec4f) and 12 parameters.
import { SPIKED, stepStatements } from '../equations/compile';
import { local } from '../equations/emit';
import { type ArrayStep, arrayStepJs, indexedParams, wgslFunction } from '../equations/functions';
import type { ParsedModel } from '../equations/model';
import { MODELS, RELEASE_MODEL } from '../models/registry';

export { RELEASE_MODEL };

export const MAX_STATE = 4;
export const PARAM_SLOTS = 12;

/** The models a circuit can use, by name. */
const CIRCUIT_MODEL_NAMES = ['hodgkin_huxley', 'hindmarsh_rose', 'izhikevich', 'adex'] as const;
export type NeuronModelName = (typeof CIRCUIT_MODEL_NAMES)[number];
export const NEURON_MODELS: Readonly<Record<NeuronModelName, ParsedModel>> = Object.freeze(
  Object.fromEntries(CIRCUIT_MODEL_NAMES.map((k) => [k, MODELS[k]!])) as Record<NeuronModelName, ParsedModel>,
);

/** The circuit model of that name, or undefined (never an inherited property such as 'constructor'). */
export function circuitModel(name: unknown): ParsedModel | undefined {
  return typeof name === 'string' && Object.hasOwn(NEURON_MODELS, name) ? NEURON_MODELS[name as NeuronModelName] : undefined;
}

/** Advances x (the first variables) in place by one step; returns whether the neuron spiked. */
export type CircuitStep = ArrayStep;

const COMPONENTS = ['x', 'y', 'z', 'w'];
const spiked = (m: ParsedModel) => (m.threshold ? SPIKED : 'false');

/** The CPU step of a model under an integrator, in f64. */
export const circuitStepJs = (m: ParsedModel, integrator: string): CircuitStep => arrayStepJs(m, integrator);

function stepFunctionWgsl(m: ParsedModel, integrator: string, fn: string): string {
  const binding = { load: (d: number) => `_x.${COMPONENTS[d]}`, resolve: indexedParams(m, '_p', '_in', '_dt') };
  const x = COMPONENTS.map((_, d) => (d < m.variables.length ? local(m.variables[d]!) : '0.0')).join(', ');
  return wgslFunction(m, stepStatements(m, integrator), `fn ${fn}(_x: vec4f, _p: ModelParams, _in: f32, _dt: f32) -> ModelStep`, binding, `ModelStep(vec4f(${x}), ${spiked(m)})`);
}
/**
 * The generated WGSL a circuit needs: each model's step under the circuit's integrator, a
 * `model_step` that switches on the model's index in `models`, and the release step.
 */
export function circuitModelsWgsl(models: readonly ParsedModel[], integrator: string): string {
  const parts = ['struct ModelStep { x: vec4f, spiked: bool }'];
  models.forEach((m, k) => parts.push(stepFunctionWgsl(m, integrator, `model_step_${k}`)));
  parts.push(stepFunctionWgsl(RELEASE_MODEL, integrator, 'release_step'));
  const cases = models.map((_, k) => (k === models.length - 1 ? `    default: { return model_step_${k}(x, p, i, dt); }` : `    case ${k}u: { return model_step_${k}(x, p, i, dt); }`));
  parts.push(['fn model_step(model: u32, x: vec4f, p: ModelParams, i: f32, dt: f32) -> ModelStep {', '  switch model {', ...cases, '  }', '}'].join('\n'));
  return parts.join('\n\n');
}
