// The one network description (src/spec/): every preset is valid; bad descriptions are refused
// with their field path and the limit, before anything is built (the problems issue 14 found:
// unknown keys dropped, inherited names, step counts that wrap); 10,000 generated invalid
// descriptions are each refused with field paths and nothing thrown; the JSON Schema export
// accepts the presets and refuses unknown keys.
import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Network } from '../src/spec/network';
import { MAX_ISSUES, MAX_MESSAGE, assertNetwork, networkJsonSchema, validateNetwork } from '../src/spec/validate';
import { SCENARIOS, TYPE_COMBINATIONS, seedNetwork } from '../src/spec/presets/seed_network';
import { hhDoubleImpulse, neunChain, neunCoupledPair, neunCouplingScan } from '../src/spec/presets/neun';
import { cobahh, sparseIzhikevich } from '../src/spec/presets/sparse';
import { MAX_STEP } from '../src/spec/values';

const presets: [string, Network][] = [
  ...Object.keys(SCENARIOS).map((s) => [`seed network ${s}`, seedNetwork({ scenario: s as keyof typeof SCENARIOS })] as [string, Network]),
  ...Object.entries(TYPE_COMBINATIONS).map(([k, types]) => [`seed network types ${k}`, seedNetwork({ types })] as [string, Network]),
  ['seed network, euler', seedNetwork({ integrator: 'euler', dt: 0.5 })],
  ['hh double impulse', hhDoubleImpulse()], ['neun pair', neunCoupledPair()], ['neun chain', neunChain({ integrator: 'rk6' })],
  ['neun coupling scan', neunCouplingScan()], ['cobahh', cobahh()], ['cobahh scaled', cobahh({ n: 1_024_000, scaled: true })],
  ['sparse izhikevich', sparseIzhikevich({ delay: 5 })],
];

describe('every preset is a valid network description', () => {
  test.each(presets)('%s', (_, net) => {
    expect(validateNetwork(net).issues).toEqual([]);
    expect(assertNetwork(net)).toBeTruthy();
  });
});

/** The problems of a description: path → message. */
const problems = (x: unknown) => validateNetwork(x).issues.map((i) => `${i.path}: ${i.message}`);
const edit = (f: (n: Network) => void): Network => { const n = structuredClone(seedNetwork({ neurons: 20 })); f(n); return n; };

describe('refused by field, with the limit', () => {
  test.each([
    ['a step input with `end` instead of `stop`', edit((n) => { (n.inputs![0] as Record<string, unknown>).end = 5; }), /^inputs\[0\]\.end: unknown field/],
    ['a projection with `delays` instead of `delay`', edit((n) => { (n.projections![0] as Record<string, unknown>).delays = 5; }), /^projections\[0\]\.delays: unknown field/],
    ['a model named constructor', edit((n) => { n.populations[0]!.model = 'constructor'; }), /^populations\[0\]\.model: unknown model 'constructor'/],
    ['a preset named toString', edit((n) => { n.populations[0]!.preset = 'toString'; }), /^populations\[0\]\.preset: izhikevich has no preset 'toString'/],
    ['a parameter named constructor', edit((n) => { n.populations[0]!.parameters = JSON.parse('{"constructor": 1}'); }), /^populations\[0\]\.parameters\.constructor: 'constructor' cannot be a key here/],
    ['a key named __proto__', JSON.parse('{"dt": 1, "seed": 0, "populations": [{"name": "a", "size": 1, "model": "lif", "init": {"__proto__": {"v": 3}}}]}'), /^populations\[0\]\.init\.__proto__: '__proto__' cannot be a key here/],
    ['a projection from a population that does not exist', edit((n) => { n.projections![0]!.source = 'hasOwnProperty'; }), /^projections\[0\]\.source: no population 'hasOwnProperty'/],
    ['a start past 2³² steps', edit((n) => { n.inputs!.push({ kind: 'constant', target: 'excitatory', amplitude: 1, start: 2 ** 32 }); }), new RegExp(`^inputs\\[2\\]\\.start: must be at most ${MAX_STEP} steps`)],
    ['a delay of 2³² steps', edit((n) => { n.projections![0]!.delay = 2 ** 32; }), /^projections\[0\]\.delay: must be at most/],
    ['a weight beyond f32', edit((n) => { n.projections![0]!.weight = 1e39; }), /^projections\[0\]\.weight: must fit an f32/],
    ['NaN as dt', edit((n) => { n.dt = NaN; }), /^dt: /],
    ['a population of no neurons', edit((n) => { n.populations[0]!.size = 0; }), /^populations\[0\]\.size: must be at least 1$/],
    ['an unknown synapse kind', edit((n) => { (n.projections![0]!.synapse as { kind: string }).kind = 'chemical'; }), /^projections\[0\]\.synapse\.kind: must have a kind: pulse, exponential, electrical or diffusion$/],
    ['a pulse into a variable the model lacks', edit((n) => { n.projections![0]!.synapse = { kind: 'pulse', target: 'ge' }; }), /^projections\[0\]\.synapse\.target: izhikevich has no state variable 'ge'; it has v, u, or 'I'/],
    ['a per-neuron array of the wrong length', edit((n) => { n.populations[1]!.init = { v: [1, 2, 3] }; }), /^populations\[1\]\.init\.v: has 3 values; the population has 4 neurons/],
    ['an expression with an unknown symbol', edit((n) => { n.populations[0]!.parameters = { c: 'c + 15 * q**2' }; }), /^populations\[0\]\.parameters\.c: unknown symbol 'q'/],
    ['an integrator the model cannot use', edit((n) => { n.populations[0]!.integrator = 'exponential_euler'; }), /^populations\[0\]\.integrator: exponential_euler needs dv\/dt linear in v/],
    ['a parameter outside its declared range', { ...cobahh({ n: 10 }), populations: [{ name: 'exc', size: 8, model: 'cobahh', parameters: { taue: -1 } }, { name: 'inh', size: 2, model: 'cobahh' }] }, /^populations\[0\]\.parameters\.taue: must be in \[1e-9, inf\]/],
    ['a batch varying a parameter that does not exist', { ...neunCouplingScan(), batch: { copies: 2, vary: [{ path: 'populations.h1.parameters.gx', values: [1, 2] }] } }, /^batch\.vary\[0\]\.path: hodgkin_huxley has no parameter 'gx'/],
    ['procedural storage of a list', { ...neunCoupledPair(), projections: [{ source: 'h1', target: 'h2', connectivity: { rule: 'list', pre: [0], post: [0] }, synapse: { kind: 'pulse', target: 'v' }, storage: 'procedural' }] }, /^projections\[0\]\.storage: procedural rows are drawn again at each spike/],
    ['an input naming a neuron twice', edit((n) => { n.inputs!.push({ kind: 'constant', target: 'excitatory', neurons: [0, 0], amplitude: 1 }); }), /^inputs\[2\]\.neurons: names a neuron twice/],
    ['a self-projection of one neuron without autapses', { dt: 1, seed: 0, populations: [{ name: 'one', size: 1, model: 'lif' }], projections: [{ source: 'one', target: 'one', connectivity: { rule: 'fixed-in-degree', k: 1 }, synapse: { kind: 'pulse', target: 'I' } }] }, /^projections\[0\]\.connectivity: one has one neuron: without autapses it has no other neuron to connect to/],
    ["varying a train's amplitude (a train has one)", { ...hhDoubleImpulse(), inputs: [{ kind: 'train', target: 'hh', amplitude: 5, start: 0, width: 10, period: 100, count: 3 }], batch: { copies: 2, vary: [{ path: 'inputs.0.amplitude', values: [1, 2] }] } }, /^batch\.vary\[0\]\.path: input 0 \(train\) cannot vary 'amplitude'/],
    ['an input index the compiler would not match (01)', { ...hhDoubleImpulse(), inputs: [{ kind: 'constant', target: 'hh', amplitude: 5 }], batch: { copies: 2, vary: [{ path: 'inputs.00.amplitude', values: [1, 2] }] } }, /^batch\.vary\[0\]\.path: no input 00/],
    ['one path varied twice', { ...hhDoubleImpulse(), inputs: [{ kind: 'constant', target: 'hh', amplitude: 5 }], batch: { copies: 2, vary: [{ path: 'inputs.0.amplitude', values: [1, 2] }, { path: 'inputs.0.amplitude', values: [3, 4] }] } }, /^batch\.vary\[1\]\.path: 'inputs\.0\.amplitude' is varied twice/],
    ['a Poisson rate past a mean of 80 events per step', edit((n) => { n.inputs!.push({ kind: 'poisson', target: 'excitatory', rate: 81e3 / n.dt, weight: 1 }); }), /^inputs\[2\]\.rate: must be in \[0, 80000\] \(Hz; a mean of at most 80 events per step of 1 ms\), got 81000/],
    ['a batch varying a Poisson rate past it', edit((n) => { n.inputs!.push({ kind: 'poisson', target: 'excitatory', rate: 10, weight: 1 }); n.batch = { copies: 2, vary: [{ path: 'inputs.2.rate', values: [10, 1e6] }] }; }), /^batch\.vary\[0\]\.values\[1\]: must be in \[0, 80000\] \(Hz; a mean of at most 80 events per step of 1 ms\), got 1000000/],
    ['a batch varying a noise σ below zero', edit((n) => { n.inputs!.push({ kind: 'noise', target: 'excitatory', sigma: 1 }); n.batch = { copies: 2, vary: [{ path: 'inputs.2.sigma', values: [-1, 1] }] }; }), /^batch\.vary\[0\]\.values\[0\]: must be in \[0, inf\], got -1/],
  ] as [string, unknown, RegExp][])('%s', (_, net, message) => {
    const p = problems(net);
    expect(p.length).toBeGreaterThan(0);
    expect(p.some((m) => message.test(m)), p.join('\n')).toBe(true);
    expect(() => assertNetwork(net)).toThrow(/invalid network description/);
  });

  test('anything that is not a description is refused without a throw', () => {
    for (const x of [null, undefined, 42, 'net', [], [1], { populations: 'x' }, new Date(), Object.create(null)]) {
      const { issues } = validateNetwork(x);
      expect(issues.length).toBeGreaterThan(0);
    }
  });

  test('messages are bounded in count and length', () => {
    const net = edit((n) => { for (let k = 0; k < 200; k++) n.inputs!.push({ kind: 'noise', target: 'excitatory', sigma: NaN }); });
    const { issues } = validateNetwork(net);
    expect(issues.length).toBe(MAX_ISSUES + 1);
    expect(issues[0]).toEqual({ path: 'inputs[2].sigma', message: expect.stringMatching(/^must be a number, an array/) });
    expect(issues[MAX_ISSUES]!.message).toBe('and 180 more problems');
    const long = edit((n) => { n.populations[0]!.model = 'x'.repeat(60); n.populations[0]!.preset = 'y'.repeat(5000); });
    for (const i of validateNetwork(long).issues) expect(i.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
  });
});

describe('generated invalid descriptions (fast-check)', () => {
  const bases = [seedNetwork({ neurons: 20 }), hhDoubleImpulse(), neunCouplingScan({ conductances: [0.001, 0.002] }), cobahh({ n: 20 }), sparseIzhikevich({ n: 20, k: 5, delay: 2 })];
  const TOP = new Set(['name', 'dt', 'seed', 'populations', 'projections', 'inputs', 'record', 'batch']);

  /** Every path to a leaf (number, string, boolean) or an object node, outside free-form maps. */
  function nodes(x: unknown, path: (string | number)[] = [], out: { path: (string | number)[]; leaf: boolean }[] = []) {
    if (x !== null && typeof x === 'object') {
      if (path.length > 0 && !Array.isArray(x) && path[path.length - 1] !== 'random') out.push({ path, leaf: false });
      for (const [k, v] of Object.entries(x)) nodes(v, [...path, Array.isArray(x) ? Number(k) : k], out);
    } else out.push({ path, leaf: true });
    return out;
  }
  const BAD = [NaN, Infinity, -Infinity, null, {}, -1e39];

  test('10,000 mutations, each refused with field paths and bounded messages, nothing thrown', () => {
    let refused = 0;
    fc.assert(fc.property(fc.nat(bases.length - 1), fc.nat(), fc.nat(BAD.length - 1), fc.boolean(), (b, pick, bad, addKey) => {
      const net = structuredClone(bases[b]!) as Record<string, unknown>;
      const all = nodes(net).filter((n) => n.leaf !== addKey);
      const target = all[pick % all.length]!;
      let parent: Record<string | number, unknown> = net;
      for (const k of target.path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
      const last = target.path[target.path.length - 1]!;
      if (addKey) (parent[last] as Record<string, unknown>).zz_unknown = 1;
      else {
        const value = BAD[bad];
        // -1e39 is beyond f32, and a number where a string or a boolean belongs: invalid either way.
        parent[last] = value;
      }
      let result: ReturnType<typeof validateNetwork>;
      try { result = validateNetwork(net); } catch (e) { throw new Error(`threw ${String(e)} for ${JSON.stringify(target.path)}`); }
      const { network, issues } = result;
      if (network !== null || issues.length === 0) throw new Error(`accepted a mutation at ${target.path.join('.')} (${addKey ? 'unknown key' : String(BAD[bad])})`);
      for (const i of issues.slice(0, MAX_ISSUES)) {
        if (!TOP.has(i.path.split(/[.[]/)[0]!)) throw new Error(`issue without a field path: ${JSON.stringify(i)}`);
        if (i.message.length > MAX_MESSAGE) throw new Error('message too long');
      }
      refused++;
      return issues.length <= MAX_ISSUES + 1;
    }), { numRuns: 10_000, seed: 14 });
    expect(refused).toBe(10_000);
  });
});

describe('the JSON Schema export', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const check = ajv.compile(networkJsonSchema());
  test.each(presets.filter(([name]) => !name.includes('scaled')))('accepts %s', (_, net) => {
    expect(check(JSON.parse(JSON.stringify(net))), JSON.stringify(check.errors)).toBe(true);
  });
  test('refuses unknown keys and wrong types, as the validator does', () => {
    const net = JSON.parse(JSON.stringify(seedNetwork({ neurons: 20 })));
    expect(check({ ...net, populations: [{ ...net.populations[0], sizee: 3 }] })).toBe(false);
    expect(check({ ...net, dt: 'fast' })).toBe(false);
    expect(check({ ...net, inputs: [{ kind: 'step', target: 'excitatory', amplitude: 1 }] })).toBe(false);
  });
});
