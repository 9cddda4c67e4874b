// The built-in models, each declared once in its own file and parsed here once.
import { type ModelDeclaration, type ParsedModel, parseModel } from '../equations/model';
import { adex } from './adex';
import { cobahhNeuron } from './cobahh';
import { hindmarshRose } from './hindmarsh_rose';
import { hodgkinHuxley } from './hodgkin_huxley';
import { izhikevich } from './izhikevich';
import { lif } from './lif';

export const MODEL_DECLARATIONS: readonly ModelDeclaration[] = [izhikevich, hodgkinHuxley, hindmarshRose, cobahhNeuron, lif, adex];

export const MODELS: Readonly<Record<string, ParsedModel>> = Object.freeze(
  Object.fromEntries(MODEL_DECLARATIONS.map((d) => [d.name, parseModel(d)])),
);
