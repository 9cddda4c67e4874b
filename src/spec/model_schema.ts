// The schema of a model declaration (docs/models.md): a built-in model's file and a user's model
// in a network description are checked against it, and the TypeScript type comes from it.
import * as v from 'valibot';
import { about, atMost, bool, num } from './values.js';

const text = (limit: number) => v.pipe(v.string(), atMost(limit));
const key = text(63);

export const StateDeclarationSchema = v.strictObject({
  unit: v.optional(text(40)),
  init: about(v.union([num(), text(2000)]), 'Initial value: a number, or an expression of the parameters and the variables declared before'),
  doc: v.optional(text(400)),
});

export const ParameterDeclarationSchema = v.strictObject({
  default: num(),
  unit: v.optional(text(40)),
  min: v.optional(about(num(), 'Valid range, inclusive; a value outside it is refused by field before anything runs')),
  max: v.optional(num()),
  doc: v.optional(text(400)),
});

export const ModelDeclarationSchema = v.strictObject({
  name: about(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower case letters, digits and _, starting with a letter, at most 63 characters')),
    'Identifier used in descriptions and in generated code'),
  summary: about(text(400), 'One line on what the model is'),
  state: about(v.record(key, StateDeclarationSchema), 'State variables in order; the first is the membrane potential that synapses and spikes read'),
  parameters: v.record(key, ParameterDeclarationSchema),
  presets: v.optional(about(v.record(key, v.record(key, num())), 'Named parameter sets (each a partial override of the defaults)')),
  equations: v.optional(about(text(20_000), "Lines 'dx/dt = expr' (one per state variable) or 'name = expr' (a subexpression used below it); '#' starts a comment")),
  schemes: v.optional(about(v.record(key, text(20_000)), "Explicit update schemes by name (assignment lines run once per step), e.g. the seed's two half-steps")),
  integrator: v.optional(about(key, "The integrator populations use unless they name one: 'euler', 'rk4', 'rk6', 'exponential_euler' or one of its schemes")),
  threshold: v.optional(about(text(2000), "Spike condition after the step, e.g. 'v >= 30'")),
  crossing: v.optional(about(bool(), 'Spike only when the threshold condition turns true in this step (an upward crossing)')),
  reset: v.optional(about(text(20_000), 'Assignment lines applied to a neuron that spiked')),
  refractory: v.optional(about(text(2000), 'Refractory period in ms, an expression of the parameters: the threshold is not tested during it')),
  clampWhileRefractory: v.optional(about(v.pipe(v.array(key), atMost(64)), 'State variables held at their value during the refractory period')),
});

export type StateDeclaration = v.InferOutput<typeof StateDeclarationSchema>;
export type ParameterDeclaration = v.InferOutput<typeof ParameterDeclarationSchema>;
/**
 * A neuron model declared as text (docs/models.md), checked by `parseModel`.
 * @useDeclaredType
 */
export type ModelDeclaration = v.InferOutput<typeof ModelDeclarationSchema>;
