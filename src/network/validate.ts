// Validation: every field of a description is checked (type, range, finiteness, shape) before
// anything is allocated; each problem names its field path.
import type { Report } from '../spec/check';
import { F32_MAX, MAX_NEURONS, isArray as isArrayLike } from '../spec/values';
import { INTEGRATORS, IZHIKEVICH_TYPES, type NetworkDescription, type Target, type Values } from './description';

export interface ValidationIssue { path: string; message: string }

export class NetworkValidationError extends Error {
  override name = 'NetworkValidationError';
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
  /** Path of the first offending field, e.g. "populations[0].size". */
  get field(): string { return this.issues[0]?.path ?? ''; }
}

const MAX_DT_MS = 100;

export type { Report };
export { F32_MAX, MAX_NEURONS };

function isF32Finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= F32_MAX;
}

const notF32 = (x: unknown) => `must be a finite number within ±${F32_MAX.toPrecision(3)} (f32), got ${describeValue(x)}`;

export function checkFiniteNumber(x: unknown, path: string, report: Report): x is number {
  if (!isF32Finite(x)) {
    report(path, notF32(x));
    return false;
  }
  return true;
}

export function describeValue(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (x === undefined || x === null) return String(x);
  if (isArrayLike(x)) return `an array of length ${x.length}`;
  return typeof x === 'string' ? JSON.stringify(x) : typeof x;
}

function checkValues(x: Values | undefined, size: number, path: string, report: Report): void {
  if (x === undefined) return;
  if (typeof x === 'number') { checkFiniteNumber(x, path, report); return; }
  if (!isArrayLike(x)) { report(path, `must be a number or an array of ${size} numbers, got ${describeValue(x)}`); return; }
  if (x.length !== size) { report(path, `must have one value per neuron (${size}), got ${x.length}`); return; }
  for (let k = 0; k < x.length; k++) {
    if (!isF32Finite(x[k])) { report(`${path}[${k}]`, notF32(x[k])); return; }
  }
}

function checkTarget(target: Target, sizes: Map<string, number>, path: string, report: Report): number {
  const name = typeof target === 'string' ? target : target?.population;
  const size = typeof name === 'string' ? sizes.get(name) : undefined;
  if (size === undefined) {
    report(typeof target === 'string' ? path : `${path}.population`, `unknown population ${describeValue(name)}; known: ${[...sizes.keys()].join(', ')}`);
    return 0;
  }
  if (typeof target === 'string' || target.neurons === undefined) return size;
  if (!Array.isArray(target.neurons)) { report(`${path}.neurons`, 'must be an array of neuron indices'); return 0; }
  target.neurons.forEach((k, idx) => {
    if (!Number.isInteger(k) || k < 0 || k >= size) report(`${path}.neurons[${idx}]`, `must be an integer in [0, ${size}), got ${describeValue(k)}`);
  });
  return target.neurons.length;
}

/** Every problem of a description, each with its field path; empty when it is valid. */
export function validateNetwork(desc: NetworkDescription): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const report: Report = (path, message) => issues.push({ path, message });
  if (typeof desc !== 'object' || desc === null) return [{ path: '', message: 'a network description must be an object' }];

  if (checkFiniteNumber(desc.dt, 'dt', report) && (desc.dt <= 0 || desc.dt > MAX_DT_MS)) report('dt', `must be in (0, ${MAX_DT_MS}] ms, got ${desc.dt}`);
  if (!INTEGRATORS.includes(desc.integrator)) report('integrator', `must be one of ${INTEGRATORS.join(', ')}, got ${describeValue(desc.integrator)}`);
  if (!Number.isSafeInteger(desc.seed) || desc.seed < 0) report('seed', `must be an integer in [0, 2^53), got ${describeValue(desc.seed)}`);

  const sizes = new Map<string, number>();
  let total = 0;
  if (!Array.isArray(desc.populations) || desc.populations.length === 0) {
    report('populations', 'must be a non-empty array');
  } else {
    desc.populations.forEach((p, k) => {
      const at = `populations[${k}]`;
      if (typeof p?.name !== 'string' || p.name === '') report(`${at}.name`, 'must be a non-empty string');
      else if (sizes.has(p.name)) report(`${at}.name`, `duplicate population name ${JSON.stringify(p.name)}`);
      if (!Number.isInteger(p?.size) || p.size < 1) { report(`${at}.size`, `must be an integer ≥ 1, got ${describeValue(p?.size)}`); return; }
      if (p.size > MAX_NEURONS) { report(`${at}.size`, `must be at most ${MAX_NEURONS}, got ${p.size}`); return; }
      if (typeof p.name === 'string') sizes.set(p.name, p.size);
      total += p.size;
      if (p.model !== 'izhikevich') report(`${at}.model`, `unknown model ${describeValue(p.model)}; available: izhikevich`);
      if (p.type !== undefined && !Object.hasOwn(IZHIKEVICH_TYPES, p.type)) {
        report(`${at}.type`, `unknown neuron type ${describeValue(p.type)}; known: ${Object.keys(IZHIKEVICH_TYPES).join(', ')}`);
      }
      for (const key of ['a', 'b', 'c', 'd'] as const) checkValues(p.params?.[key], p.size, `${at}.params.${key}`, report);
      if (p.heterogeneity !== undefined && !['none', 'excitatory', 'inhibitory'].includes(p.heterogeneity)) {
        report(`${at}.heterogeneity`, `must be none, excitatory or inhibitory, got ${describeValue(p.heterogeneity)}`);
      }
      checkValues(p.init?.v, p.size, `${at}.init.v`, report);
      checkValues(p.init?.u, p.size, `${at}.init.u`, report);
      if (p.threshold !== undefined) checkFiniteNumber(p.threshold, `${at}.threshold`, report);
    });
    if (total > MAX_NEURONS) report('populations', `${total} neurons in all; at most ${MAX_NEURONS}`);
  }

  const c = desc.connectivity;
  if (c !== undefined) {
    if (c.type === 'dense') {
      if (!isArrayLike(c.weights)) report('connectivity.weights', `must be an array of N×N numbers, got ${describeValue(c.weights)}`);
      else if (c.weights.length !== total * total) {
        report('connectivity.weights', `must be N×N = ${total}×${total} = ${total * total} numbers (row-major, S[post·N + pre]), got ${c.weights.length}`);
      } else {
        for (let k = 0; k < c.weights.length; k++) {
          if (!isF32Finite(c.weights[k])) {
            report(`connectivity.weights[${k}]`, `must be finite (S[${Math.floor(k / total)}][${k % total}]), got ${c.weights[k]}`);
            break;
          }
        }
      }
    } else if (c.type === 'uniform-random') {
      if (typeof c.scale !== 'object' || c.scale === null) report('connectivity.scale', 'must map population names to weight scales');
      else for (const [name, s] of Object.entries(c.scale)) {
        if (!sizes.has(name)) report(`connectivity.scale.${name}`, `unknown population; known: ${[...sizes.keys()].join(', ')}`);
        checkFiniteNumber(s, `connectivity.scale.${name}`, report);
      }
    } else {
      report('connectivity.type', `must be dense or uniform-random, got ${describeValue((c as { type: unknown }).type)}`);
    }
  }

  (desc.inputs ?? []).forEach((inp, k) => {
    const at = `inputs[${k}]`;
    if (inp?.type === 'noise') {
      checkTarget(inp.target, sizes, `${at}.target`, report);
      if (checkFiniteNumber(inp.sigma, `${at}.sigma`, report) && inp.sigma < 0) report(`${at}.sigma`, `must be ≥ 0, got ${inp.sigma}`);
    } else if (inp?.type === 'constant') {
      const count = checkTarget(inp.target, sizes, `${at}.target`, report);
      if (count > 0) checkValues(inp.amplitude, count, `${at}.amplitude`, report);
      else if (inp.amplitude === undefined) report(`${at}.amplitude`, 'is required');
      if (inp.start !== undefined && checkFiniteNumber(inp.start, `${at}.start`, report) && inp.start < 0) report(`${at}.start`, `must be ≥ 0 ms, got ${inp.start}`);
      if (inp.stop !== undefined && checkFiniteNumber(inp.stop, `${at}.stop`, report) && inp.stop <= (inp.start ?? 0)) {
        report(`${at}.stop`, `must be later than start (${inp.start ?? 0} ms), got ${inp.stop}`);
      }
    } else {
      report(`${at}.type`, `must be noise or constant, got ${describeValue((inp as { type?: unknown })?.type)}`);
    }
  });

  checkTraceList(desc.record?.traces, total, report);
  return issues;
}

/** `record.traces`: distinct neuron indices in [0, total), at most `max` of them. */
export function checkTraceList(traces: unknown, total: number, report: Report, max = Infinity): void {
  if (traces === undefined) return;
  if (!Array.isArray(traces)) { report('record.traces', `must be an array of neuron indices, got ${describeValue(traces)}`); return; }
  if (traces.length > max) { report('record.traces', `at most ${max} neurons can be traced, got ${traces.length}`); return; }
  const seen = new Set<number>();
  traces.forEach((k: unknown, idx) => {
    if (!Number.isInteger(k) || (k as number) < 0 || (k as number) >= total) report(`record.traces[${idx}]`, `must be a neuron index in [0, ${total}), got ${describeValue(k)}`);
    else if (seen.has(k as number)) report(`record.traces[${idx}]`, `neuron ${k} is listed twice`);
    seen.add(k as number);
  });
}

export function assertValidNetwork(desc: NetworkDescription): void {
  const issues = validateNetwork(desc);
  if (issues.length > 0) throw new NetworkValidationError(issues);
}

/** Bytes as MiB below 1 GiB, else GiB, one decimal. */
export function formatBytes(bytes: number): string {
  return bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Refuses a dense S (4·n² bytes of f32) larger than `capBytes`, before it is built; `holder`
 * says whose limit it is. Each backend calls this with its own cap.
 */
export function checkDenseFits(n: number, capBytes: number, holder: string): void {
  const bytes = 4 * n * n;
  if (bytes <= capBytes) return;
  throw new NetworkValidationError([{
    path: 'connectivity',
    message: `a dense S of ${n}×${n} neurons needs ${formatBytes(bytes)}; ${holder} (at most ${Math.floor(Math.sqrt(capBytes / 4))} neurons fit)`,
  }]);
}
