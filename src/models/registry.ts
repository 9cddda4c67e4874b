// The built-in models, each declared once in its own file and parsed here once.
import { type ModelDeclaration, type ParsedModel, parameterValues, parseModel } from '../equations/model.js';
import { diffusionRelease } from './diffusion_release.js';
import { adex } from './adex.js';
import { cobahhNeuron } from './cobahh.js';
import { hindmarshRose } from './hindmarsh_rose.js';
import { hodgkinHuxley } from './hodgkin_huxley.js';
import { iafPscExp } from './iaf_psc_exp.js';
import { izhikevich } from './izhikevich.js';
import { lif } from './lif.js';

export const MODEL_DECLARATIONS: readonly ModelDeclaration[] = [izhikevich, hodgkinHuxley, hindmarshRose, cobahhNeuron, lif, iafPscExp, adex];

export const MODELS: Readonly<Record<string, ParsedModel>> = Object.freeze(
  Object.fromEntries(MODEL_DECLARATIONS.map((d) => [d.name, parseModel(d)])),
);

/** The released fraction of a diffusion synapse, integrated like a neuron model. */
export const RELEASE_MODEL: ParsedModel = parseModel(diffusionRelease);

/** A diffusion synapse's release parameters: its own, else the declaration's defaults. */
export function releaseParameters(s: { alpha?: number; beta?: number; T?: number }): Record<string, number> {
  const given = Object.entries({ alpha: s.alpha, beta: s.beta, T: s.T }).filter((e): e is [string, number] => e[1] !== undefined);
  return parameterValues(RELEASE_MODEL, undefined, Object.fromEntries(given));
}
