// Validating a network description: the schema (types, ranges, unknown keys) then the
// cross-references (src/spec/check.ts). Every problem names its field path and the limit;
// messages are bounded in length and in count, so a bad file never floods a terminal or a page.
import * as v from 'valibot';
import { toJsonSchema } from '@valibot/to-json-schema';
import { checkNetwork } from './check.js';
import { type Network, NetworkSchema } from './network.js';
import { numberElement } from './values.js';
import { NetworkSpecError, type SpecIssue } from './errors.js';

export { NetworkSpecError, type SpecIssue } from './errors.js';

/** At most this many issues are reported, each at most MAX_MESSAGE characters. */
export const MAX_ISSUES = 20;
export const MAX_MESSAGE = 300;

function pathText(path: readonly { key: unknown }[] | undefined): string {
  return (path ?? []).reduce<string>((s, { key }) => (typeof key === 'number' ? `${s}[${key}]` : s ? `${s}.${String(key)}` : String(key)), '');
}

const bound = (m: string) => (m.length > MAX_MESSAGE ? `${m.slice(0, MAX_MESSAGE - 1)}…` : m);

/** One line for a schema issue; an unknown key is named as the field it is. */
function describe(issue: v.BaseIssue<unknown>): SpecIssue {
  const path = pathText(issue.path as { key: unknown }[] | undefined);
  if (issue.type === 'strict_object' && issue.expected === 'never') return { path, message: 'unknown field' };
  return { path, message: issue.message };
}

/** Keys JavaScript objects inherit or treat specially: a schema library drops them silently, so they are refused first. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function reservedKeys(x: unknown, path: string, out: SpecIssue[], depth = 0): void {
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x) || depth > 12 || out.length > MAX_ISSUES) return;
  if (Array.isArray(x)) {
    // By index, into objects only: Object.keys of a 10⁸-weight array would make a string per weight.
    for (const k of RESERVED_KEYS) if (Object.hasOwn(x, k)) out.push({ path: `${path}[${k}]`, message: `'${k}' cannot be a key here (JavaScript objects reserve it)` });
    for (let i = 0; i < x.length; i++) if (typeof x[i] === 'object') reservedKeys(x[i], `${path}[${i}]`, out, depth + 1);
    return;
  }
  for (const k of Object.keys(x)) {
    const at = path ? `${path}.${k}` : k;
    if (RESERVED_KEYS.has(k)) out.push({ path: at, message: `'${k}' cannot be a key here (JavaScript objects reserve it)` });
    else reservedKeys((x as Record<string, unknown>)[k], at, out, depth + 1);
  }
}

/** The description's problems (empty when it is valid); never throws on any input. */
export function validateNetwork(input: unknown): { network: Network | null; issues: SpecIssue[] } {
  const reserved: SpecIssue[] = [];
  reservedKeys(input, '', reserved);
  const parsed = v.safeParse(NetworkSchema, input);
  let issues: SpecIssue[];
  if (reserved.length > 0) issues = [...reserved, ...(parsed.success ? [] : parsed.issues.map(describe))];
  else if (!parsed.success) issues = parsed.issues.map(describe);
  else {
    issues = [];
    checkNetwork(parsed.output, (path, message) => { issues.push({ path, message }); });
  }
  const seen = new Set<string>();
  issues = issues.filter((i) => { const key = `${i.path}\n${i.message}`; if (seen.has(key)) return false; seen.add(key); return true; });
  const bounded = issues.slice(0, MAX_ISSUES).map((i) => ({ path: i.path, message: bound(i.message) }));
  if (issues.length > MAX_ISSUES) bounded.push({ path: '', message: `and ${issues.length - MAX_ISSUES} more problems` });
  return { network: bounded.length === 0 && parsed.success ? parsed.output : null, issues: bounded };
}

/** The valid network, or a NetworkSpecError listing its problems. */
export function assertNetwork(input: unknown): Network {
  const { network, issues } = validateNetwork(input);
  if (!network) throw new NetworkSpecError(issues);
  return network;
}

/** The JSON Schema of a network description, for editors and the page's JSON loader. */
export function networkJsonSchema(): Record<string, unknown> {
  // Typed arrays (accepted from code) have no JSON form: the schema keeps their JSON-array alternative.
  return toJsonSchema(NetworkSchema, {
    errorMode: 'ignore',
    overrideSchema: (c) => (c.valibotSchema === numberElement ? { type: 'number' } : undefined),
  }) as Record<string, unknown>;
}
