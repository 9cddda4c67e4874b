// docs/ stays true: the model reference in docs/models.md is rendered from the declarations
// (UPDATE_DOCS=1 npx vitest run tests/docs.test.ts rewrites it and docs/network.schema.json), and every docs/FILE.md#anchor
// that a source file points to names a heading that exists.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { modelMarkdown } from '../src/equations/describe';
import { MODEL_DECLARATIONS } from '../src/models/registry';
import { diffusionRelease } from '../src/models/diffusion_release';
import { networkJsonSchema } from '../src/spec/validate';

const root = join(__dirname, '..');
const BEGIN = '<!-- generated from src/models/ by tests/docs.test.ts: edit the declarations, not this -->';
const END = '<!-- end of generated reference -->';

test('docs/models.md shows every built-in declaration as it is', () => {
  const path = join(root, 'docs', 'models.md');
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(BEGIN), end = text.indexOf(END);
  expect(at).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(at);
  const generated = [...MODEL_DECLARATIONS, diffusionRelease].map(modelMarkdown).join('\n');
  const want = `${text.slice(0, at)}${BEGIN}\n\n${generated}\n${text.slice(end)}`;
  if (process.env.UPDATE_DOCS === '1') writeFileSync(path, want);
  expect(text).toBe(want);
});

test('docs/network.schema.json is the JSON Schema the validator exports', () => {
  const path = join(root, 'docs', 'network.schema.json');
  const want = `${JSON.stringify(networkJsonSchema(), null, 1)}\n`;
  if (process.env.UPDATE_DOCS === '1') writeFileSync(path, want);
  expect(readFileSync(path, 'utf8')).toBe(want);
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'. */
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|wgsl|js|py|mjs|md)$/.test(name) ? [p] : [];
  });
}

test('every docs/FILE.md#anchor the code points to exists', () => {
  const anchors = new Map<string, Set<string>>();
  for (const f of readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md'))) {
    const headings = readFileSync(join(root, 'docs', f), 'utf8').split('\n').filter((l) => /^#{1,4} /.test(l));
    anchors.set(f, new Set(headings.map((h) => anchor(h.replace(/^#+ /, '')))));
  }
  const refs: string[] = [];
  for (const f of [...files(join(root, 'src')), ...files(join(root, 'shaders')), ...files(join(root, 'tests')), ...files(join(root, 'docs')).filter((f) => !f.includes('/docs/api/')), join(root, 'README.md')]) {
    for (const m of readFileSync(f, 'utf8').matchAll(/docs\/([a-z_]+\.md)(?:#([\w-]+))?/g)) {
      refs.push(m[0]);
      expect(anchors.has(m[1]!), `${f}: ${m[0]}`).toBe(true);
      if (m[2]) expect(anchors.get(m[1]!)!.has(m[2]), `${f}: ${m[0]}`).toBe(true);
    }
  }
  expect(refs.length).toBeGreaterThan(10);
});
