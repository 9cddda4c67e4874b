// What the schema cannot say alone: references between parts of a network (populations by name,
// model variables and parameters, presets, integrators), sizes that must match, ranges a model
// declares, and limits that depend on sizes. Each problem names its field path.
import { ModelError, symbols } from '../equations/expression.js';
import { parseExpression } from '../equations/parse.js';
import { integrate, integratorsOf } from '../equations/integrators.js';
import { type ParsedModel, parseModel } from '../equations/model.js';
import { MODELS } from '../models/registry.js';
import { type Input, type Network, type Population, type Projection, type SynapseProbe } from './network.js';
import { excludesSelf, fixedCount, inputValueOf } from './fields.js';
import { type BoundedNormal, DELAY_RANGE, MAX_DELAY, MAX_NEURONS, MAX_STEP, type NeuronValue, isArray, isNormal, isUniform, normalBounds } from './values.js';

export type Report = (path: string, message: string) => void;

/** Declared models parsed once (validation, the size checks and the plan all ask for them). */
const parsed = new WeakMap<object, ParsedModel | string>();

/** The model a population names or declares, or a message saying why there is none. */
export function populationModel(p: Population): ParsedModel | string {
  if (typeof p.model === 'string') {
    return Object.hasOwn(MODELS, p.model) ? MODELS[p.model]! : `unknown model '${p.model}'; built in: ${Object.keys(MODELS).join(', ')}`;
  }
  let m = parsed.get(p.model);
  if (m === undefined) {
    try {
      m = parseModel(p.model);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      m = e.message;
    }
    parsed.set(p.model, m);
  }
  return m;
}


/** Checks one per-neuron value: array length, expression symbols, the declared range. */
type Range = { min?: number; max?: number; why?: string };

function checkValue(v: NeuronValue, at: string, size: number, scope: ReadonlySet<string>, range: Range, report: Report): void {
  if (isArray(v)) {
    if (v.length !== size) { report(at, `has ${v.length} values; the population has ${size} neurons`); return; }
    for (let k = 0; k < v.length; k++) {
      const x = v[k]!;
      if ((range.min !== undefined && x < range.min) || (range.max !== undefined && x > range.max)) {
        report(`${at}[${k}]`, `${outOfRange(range)}, got ${x}`);
        return;
      }
    }
    return;
  }
  if (typeof v === 'string') {
    try {
      for (const s of symbols(parseExpression(v, { model: 'population', where: at }))) {
        if (!scope.has(s)) { report(at, `unknown symbol '${s}' in '${v}'; known here: ${[...scope].join(', ') || 'none'}`); return; }
      }
    } catch (e) {
      if (e instanceof ModelError) report(at, e.detail); else throw e;
    }
    return;
  }
  const [lo, hi] = typeof v === 'number' ? [v, v] : 'uniform' in v ? v.uniform : [-Infinity, Infinity];
  if ((range.min !== undefined && lo < range.min) || (range.max !== undefined && hi > range.max)) {
    report(at, `${outOfRange(range)}, got ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  }
}

const outOfRange = (r: Range) => `must be in [${r.min ?? '-inf'}, ${r.max ?? 'inf'}]${r.why ? ` (${r.why})` : ''}`;

/** The largest mean count of events per step a Poisson input may have: exp(-λ) stays a normal f32 (the sampler starts from it). */
const MAX_POISSON_EVENTS = 80;

/** The values an input's amplitude, σ or rate may take. */
function inputRange(inp: Input, dt: number): Range {
  if (inp.kind === 'constant') return {};
  if (inp.kind !== 'poisson') return { min: 0 };
  return { min: 0, max: MAX_POISSON_EVENTS * 1000 / dt, why: `Hz; a mean of at most ${MAX_POISSON_EVENTS} events per step of ${dt} ms` };
}

function checkPopulation(p: Population, at: string, report: Report): ParsedModel | null {
  const m = populationModel(p);
  if (typeof m === 'string') { report(`${at}.model`, m); return null; }
  const presets = m.declaration.presets ?? {};
  if (p.preset !== undefined && !Object.hasOwn(presets, p.preset)) {
    report(`${at}.preset`, `${m.name} has no preset '${p.preset}'; it has ${Object.keys(presets).join(', ') || 'none'}`);
  }
  const random = new Set(Object.keys(p.random ?? {}));
  for (const r of random) if (m.parameters.includes(r) || m.variables.includes(r)) report(`${at}.random.${r}`, `'${r}' is also a name of ${m.name}`);
  const paramScope = new Set([...random, ...m.parameters]);
  for (const [k, v] of Object.entries(p.parameters ?? {})) {
    const d = Object.hasOwn(m.declaration.parameters, k) ? m.declaration.parameters[k] : undefined;
    if (!d) { report(`${at}.parameters.${k}`, `${m.name} has no parameter '${k}'; it has ${m.parameters.join(', ')}`); continue; }
    checkValue(v, `${at}.parameters.${k}`, p.size, paramScope, d, report);
  }
  const initScope = new Set([...random, ...m.parameters, ...m.variables]);
  for (const [k, v] of Object.entries(p.init ?? {})) {
    if (!m.variables.includes(k)) { report(`${at}.init.${k}`, `${m.name} has no state variable '${k}'; it has ${m.variables.join(', ')}`); continue; }
    checkValue(v, `${at}.init.${k}`, p.size, initScope, {}, report);
  }
  if (p.integrator !== undefined) {
    if (!integratorsOf(m).includes(p.integrator)) report(`${at}.integrator`, `${m.name} integrates with ${integratorsOf(m).join(', ')}, not '${p.integrator}'`);
    else {
      try { integrate(m, p.integrator); } catch (e) { if (e instanceof ModelError) report(`${at}.integrator`, e.detail); else throw e; }
    }
  }
  return m;
}

/** erfc(x), Numerical Recipes' erfcc (Chebyshev fit, fractional error below 1.2·10⁻⁷ everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** P(lo ≤ X ≤ hi) for X ~ N(mean, sd), sd > 0: from the nearer tails, so a far interval keeps its small mass. */
export function normalMass(mean: number, sd: number, lo: number, hi: number): number {
  const a = (lo - mean) / sd, b = (hi - mean) / sd, tail = (x: number) => 0.5 * erfc(x / Math.SQRT2);
  return a > 0 ? tail(a) - tail(b) : b < 0 ? tail(-b) - tail(-a) : 1 - tail(-a) - tail(b);
}

/** The least share of a bounded normal its bounds may keep: each synapse draws about 1/share times. */
const MIN_KEPT = 0.01;

/** A bounded normal's bounds: ordered, and keeping at least 1 % of its mass, so redrawing ends after a few draws. */
function checkBoundedNormal(x: BoundedNormal, at: string, report: Report, range?: readonly [number, number]): void {
  const [lo, hi] = normalBounds(x, range), [mean, sd] = x.normal;
  const text = (b: number) => String(b).replace('Infinity', 'inf');
  const where = `[${text(lo)}, ${text(hi)}]${range && (x.min === undefined || x.max === undefined) ? ` (bounds left out are [${range[0]}, ${range[1]}])` : ''}`;
  if (lo > hi) report(at, `needs min ≤ max, got ${where}`);
  else if (sd === 0) { if (mean < lo || mean > hi) report(at, `has sd 0 and its mean ${mean} outside ${where}: no draw is ever kept`); }
  else {
    const kept = normalMass(mean, sd, lo, hi);
    if (kept < MIN_KEPT) report(at, `keeps ${(100 * kept).toPrecision(2)} % of N(${mean}, ${sd}) within ${where}; at least ${100 * MIN_KEPT} % must lie within, as each synapse draws again until one does`);
  }
}


function checkProjection(pr: Projection, at: string, pops: Map<string, { p: Population; m: ParsedModel | null }>, report: Report): void {
  const src = pops.get(pr.source), dst = pops.get(pr.target);
  if (!src) report(`${at}.source`, `no population '${pr.source}'; there are ${[...pops.keys()].join(', ')}`);
  if (!dst) report(`${at}.target`, `no population '${pr.target}'; there are ${[...pops.keys()].join(', ')}`);
  if (!src || !dst) return;
  const nPre = src.p.size, nPost = dst.p.size, c = pr.connectivity;
  const drawsOther = (c.rule === 'fixed-in-degree' || c.rule === 'fixed-out-degree') ? c.k > 0 : c.rule === 'fixed-total' ? c.n > 0 : false;
  if (nPre < 2 && drawsOther && excludesSelf(pr)) {
    report(`${at}.connectivity`, `${pr.source} has one neuron: without autapses it has no other neuron to connect to`);
  }
  if (c.rule === 'one-to-one' && nPre !== nPost) report(`${at}.connectivity`, `one-to-one needs equal sizes; ${pr.source} has ${nPre}, ${pr.target} ${nPost}`);
  if (c.rule === 'dense' && c.weights.length !== nPre * nPost) report(`${at}.connectivity.weights`, `needs ${nPost} × ${nPre} = ${nPre * nPost} weights, got ${c.weights.length}`);
  if (c.rule === 'list') {
    if (c.pre.length !== c.post.length) report(`${at}.connectivity.post`, `has ${c.post.length} entries; pre has ${c.pre.length}`);
    for (const [key, n] of [['pre', nPre], ['post', nPost]] as const) {
      const a = c[key];
      for (let s = 0; s < a.length; s++) {
        if (!Number.isInteger(a[s]) || a[s]! < 0 || a[s]! >= n) { report(`${at}.connectivity.${key}[${s}]`, `must be an integer in [0, ${n}), got ${a[s]}`); break; }
      }
    }
  }
  const count = fixedCount(pr, nPre, nPost, excludesSelf(pr));
  if (count !== null && count > MAX_STEP) report(`${at}.connectivity`, `makes ${count} synapses; at most ${MAX_STEP}`);
  for (const [key, value] of [['weight', pr.weight], ['delay', pr.delay]] as const) {
    if (!isArray(value)) continue;
    if (count === null || c.rule === 'seed-random') report(`${at}.${key}`, `one ${key} per synapse needs a rule that fixes the synapses (list, dense, one-to-one, all-to-all, fixed degree or total)`);
    else if (value.length !== count) report(`${at}.${key}`, `has ${value.length} values; the projection makes ${count} synapses`);
  }
  if (isNormal(pr.weight)) checkBoundedNormal(pr.weight, `${at}.weight`, report);
  if (pr.synapse.kind === 'electrical' && isNormal(pr.synapse.g2)) checkBoundedNormal(pr.synapse.g2, `${at}.synapse.g2`, report);
  if (isNormal(pr.delay)) checkBoundedNormal(pr.delay, `${at}.delay`, report, DELAY_RANGE);
  const delays: ArrayLike<number> = isArray(pr.delay) ? pr.delay : typeof pr.delay === 'number' ? [pr.delay] : isUniform(pr.delay) ? pr.delay.uniform : [];
  for (let q = 0; q < delays.length; q++) {
    const d = delays[q]!;
    const where = isArray(pr.delay) ? `${at}.delay[${q}]` : isUniform(pr.delay) ? `${at}.delay.uniform[${q}]` : `${at}.delay`;
    if (!Number.isInteger(d) || d < 0 || d > MAX_DELAY) { report(where, `must be whole steps in [0, ${MAX_DELAY}], got ${d}`); break; }
  }
  const m = dst.m, s = pr.synapse;
  if (m && (s.kind === 'pulse' || s.kind === 'exponential') && s.target !== 'I' && !m.variables.includes(s.target)) {
    report(`${at}.synapse.target`, `${m.name} has no state variable '${s.target}'; it has ${m.variables.join(', ')}, or 'I'`);
  }
  if (s.kind === 'exponential' && s.target === 'I' && s.tau === undefined) report(`${at}.synapse.tau`, "an exponential current into 'I' needs its decay time tau (ms)");
  if (s.kind === 'exponential' && s.target !== 'I' && s.tau !== undefined) report(`${at}.synapse.tau`, `'${s.target}' decays by the model's own equation; tau is only for 'I'`);
  if (pr.storage === 'procedural') {
    // Fixed total draws each synapse's target, weight and delay at (source, slot), so all three can be drawn again.
    const total = c.rule === 'fixed-total';
    if (!total && c.rule !== 'fixed-probability' && c.rule !== 'fixed-out-degree') {
      report(`${at}.storage`, `procedural rows are drawn again at each spike, which only fixed-probability, fixed-out-degree and fixed-total can do (not ${c.rule})`);
    }
    if (pr.delay !== undefined && typeof pr.delay !== 'number' && !(total && isNormal(pr.delay))) {
      report(`${at}.delay`, `procedural rows are drawn again at each spike: give one delay for all synapses${total ? ' or {normal: [mean, sd], min?, max?}' : ''}`);
    }
    if (pr.weight !== undefined && typeof pr.weight !== 'number' && !isUniform(pr.weight) && !(total && isNormal(pr.weight))) {
      report(`${at}.weight`, `procedural rows draw their weights again at each spike: give one weight or {uniform: [low, high]}${total ? ' or {normal: [mean, sd], min?, max?}' : ''}`);
    }
    if (pr.synapse.kind === 'electrical' || pr.synapse.kind === 'diffusion') report(`${at}.storage`, `${pr.synapse.kind} synapses are stored: procedural rows carry spikes only`);
  }
}

function checkInput(inp: Input, at: string, dt: number, pops: Map<string, { p: Population; m: ParsedModel | null }>, report: Report): void {
  const t = pops.get(inp.target);
  if (!t) { report(`${at}.target`, `no population '${inp.target}'; there are ${[...pops.keys()].join(', ')}`); return; }
  const n = inp.neurons?.length ?? t.p.size;
  if (inp.neurons) checkNeuronList(inp.neurons, t.p, at, report);
  if (inp.variable !== undefined && inp.variable !== 'I' && t.m && !t.m.variables.includes(inp.variable)) {
    report(`${at}.variable`, `${t.m.name} has no state variable '${inp.variable}'; it has ${t.m.variables.join(', ')}, or 'I'`);
  }
  const per = inputValueOf(inp);
  if (per) checkValue(per.value, `${at}.${per.field}`, n, new Set(), inputRange(inp, dt), report);
  if ('stop' in inp && inp.stop !== undefined && inp.stop <= (inp.start ?? 0)) report(`${at}.stop`, `must be after start (${inp.start ?? 0}), got ${inp.stop}`);
  if (inp.kind === 'train' && inp.width > inp.period) report(`${at}.width`, `must be at most the period (${inp.period}), got ${inp.width}`);
  if (inp.kind === 'train' && inp.start + (inp.count - 1) * inp.period + inp.width > MAX_STEP) report(`${at}.count`, `the train ends after step ${MAX_STEP}`);
  if (inp.kind === 'waveform' && (inp.start ?? 0) + inp.samples.length * inp.every > MAX_STEP) report(`${at}.samples`, `the waveform ends after step ${MAX_STEP}`);
  if (inp.kind === 'pulses') inp.pulses.forEach((q, k) => { if (q.start + q.duration > MAX_STEP) report(`${at}.pulses[${k}]`, `ends after step ${MAX_STEP}`); });
}

/** Every cross-reference and size of a network that passed the schema. */
export function checkNetwork(net: Network, report: Report): void {
  const pops = new Map<string, { p: Population; m: ParsedModel | null }>();
  let total = 0;
  net.populations.forEach((p, k) => {
    const at = `populations[${k}]`;
    if (pops.has(p.name)) report(`${at}.name`, `'${p.name}' names two populations`);
    pops.set(p.name, { p, m: checkPopulation(p, at, report) });
    total += p.size;
  });
  if (total > MAX_NEURONS) report('populations', `${total} neurons in all; at most ${MAX_NEURONS}`);
  const names = new Set<string>();
  (net.projections ?? []).forEach((pr, k) => {
    if (pr.name !== undefined) { if (names.has(pr.name)) report(`projections[${k}].name`, `'${pr.name}' names two projections`); names.add(pr.name); }
    checkProjection(pr, `projections[${k}]`, pops, report);
  });
  (net.inputs ?? []).forEach((inp, k) => checkInput(inp, `inputs[${k}]`, net.dt, pops, report));
  // External inputs are found by name (sim.externalInput): one name, one input.
  const inputNames = new Set<string>();
  (net.inputs ?? []).forEach((inp, k) => {
    if (inp.kind !== 'external' || inp.name === undefined) return;
    if (inputNames.has(inp.name)) report(`inputs[${k}].name`, `'${inp.name}' names two external inputs`);
    inputNames.add(inp.name);
  });
  const rec = net.record;
  if (Array.isArray(rec?.spikes)) rec.spikes.forEach((n, k) => { if (!pops.has(n)) report(`record.spikes[${k}]`, `no population '${n}'`); });
  rec?.probes?.forEach((pr, k) => {
    const at = `record.probes[${k}]`, t = pops.get(pr.population);
    if (!t) { report(`${at}.population`, `no population '${pr.population}'`); return; }
    if (t.m && pr.variable !== 'I' && !t.m.variables.includes(pr.variable)) report(`${at}.variable`, `${t.m.name} has no state variable '${pr.variable}'; it has ${t.m.variables.join(', ')}, or 'I'`);
    checkNeuronList(pr.neurons, t.p, at, report);
  });
  rec?.synapseProbes?.forEach((pr, k) => checkSynapseProbe(pr, `record.synapseProbes[${k}]`, net, pops, report));
  net.batch?.vary?.forEach((v, k) => {
    if (v.values.length !== net.batch!.copies) report(`batch.vary[${k}].values`, `has ${v.values.length} values; the batch has ${net.batch!.copies} copies`);
    const problem = resolvePath(net, v.path, pops);
    if (problem) report(`batch.vary[${k}].path`, problem);
    else if (net.batch!.vary!.findIndex((u) => u.path === v.path) < k) report(`batch.vary[${k}].path`, `'${v.path}' is varied twice`);
    else if (v.path.startsWith('inputs.')) {
      // A copy's input value obeys the input's own range (a rate past the sampler's would be wrong, not refused).
      const r = inputRange(net.inputs![Number(v.path.split('.')[1])]!, net.dt), j = v.values.findIndex((x) => x < (r.min ?? -Infinity) || x > (r.max ?? Infinity));
      if (j >= 0) report(`batch.vary[${k}].values[${j}]`, `${outOfRange(r)}, got ${v.values[j]}`);
    }
  });
  if (net.batch && total * net.batch.copies > MAX_NEURONS) report('batch.copies', `${net.batch.copies} copies of ${total} neurons exceed ${MAX_NEURONS} neurons`);
}

/** A synapse probe: a named electrical or diffusion projection whose rule fixes its synapses, a variable of its kind, each synapse once. */
function checkSynapseProbe(pr: SynapseProbe, at: string, net: Network, pops: Map<string, { p: Population; m: ParsedModel | null }>, report: Report): void {
  const proj = (net.projections ?? []).find((q) => q.name === pr.projection);
  if (!proj) { report(`${at}.projection`, `no projection named '${pr.projection}'`); return; }
  const kind = proj.synapse.kind;
  if (kind !== 'electrical' && kind !== 'diffusion') { report(`${at}.projection`, `'${pr.projection}' is a ${kind} projection; synapses are probed in electrical and diffusion projections`); return; }
  if ((pr.variable === 'i_source' && kind !== 'electrical') || (pr.variable === 'r' && kind !== 'diffusion')) {
    report(`${at}.variable`, `a ${kind} synapse has ${kind === 'electrical' ? "'i' and 'i_source'" : "'i' and 'r'"}, not '${pr.variable}'`);
  }
  const src = pops.get(proj.source), dst = pops.get(proj.target);
  if (!src || !dst) return;
  const count = fixedCount(proj, src.p.size, dst.p.size, excludesSelf(proj));
  if (count === null) { report(`${at}.synapses`, `'${pr.projection}' draws its synapses at random (${proj.connectivity.rule}): probes need a rule that fixes them`); return; }
  pr.synapses.forEach((s, k) => { if (s >= count) report(`${at}.synapses[${k}]`, `must be below ${count} (the synapses of ${pr.projection}), got ${s}`); });
  if (new Set(pr.synapses).size !== pr.synapses.length) report(`${at}.synapses`, 'names a synapse twice');
}

/** Indices of an input's or a probe's neurons: within the population, each once. */
function checkNeuronList(neurons: readonly number[], p: Population, at: string, report: Report): void {
  neurons.forEach((i, k) => { if (i >= p.size) report(`${at}.neurons[${k}]`, `must be below ${p.size} (the size of ${p.name}), got ${i}`); });
  if (new Set(neurons).size !== neurons.length) report(`${at}.neurons`, 'names a neuron twice');
}

/** Why a batch path does not name one number of the network, or null when it does. */
function resolvePath(net: Network, path: string, pops: Map<string, { p: Population; m: ParsedModel | null }>): string | null {
  const m = /^(populations|projections|inputs)\.([A-Za-z0-9_-]+)\.(.+)$/.exec(path);
  if (!m) return "must look like populations.NAME.parameters.P, populations.NAME.init.V, projections.NAME.weight or inputs.K.amplitude";
  const [, list, ref, rest] = m as unknown as [string, string, string, string];
  if (list === 'populations') {
    const t = pops.get(ref);
    if (!t) return `no population '${ref}'`;
    const f = /^(parameters|init)\.([A-Za-z0-9_]+)$/.exec(rest);
    if (!f || !t.m) return 'a population varies parameters.NAME or init.VARIABLE';
    const names = f[1] === 'parameters' ? t.m.parameters : t.m.variables;
    return names.includes(f[2]!) ? null : `${t.m.name} has no ${f[1] === 'parameters' ? 'parameter' : 'state variable'} '${f[2]}'`;
  }
  if (list === 'projections') {
    if (!(net.projections ?? []).some((p) => p.name === ref)) return `no projection named '${ref}'`;
    return rest === 'weight' ? null : 'a projection varies its weight';
  }
  // The input's index as the compiler spells it (01, 1e0 or -0 would name no input there).
  const k = Number(ref), inp = /^(0|[1-9][0-9]*)$/.test(ref) ? net.inputs?.[k] : undefined;
  if (!inp) return `no input ${ref}`;
  return rest === inputValueOf(inp)?.field ? null : `input ${k} (${inp.kind}) cannot vary '${rest}'`;
}
