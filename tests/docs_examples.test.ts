// The usage pages stay true. Every ```ts block of docs/node.md, docs/models-declaring.md and docs/programs.md runs as
// a Node script: bundled by esbuild with `spikegpu` resolved to src/node.ts (the package's Node
// entry; `?raw` WGSL and `.wat` modules loaded as vite loads them), run in order in one empty
// folder per page (the page's first ```json block saved there as network.json), and what it
// prints must be the ```text block under it, line for line (… stands for any text). The ```ts
// blocks of docs/browser.md and docs/embedding.md are type-checked only (they need a DOM or an app's
// device), as are all the others, with
// the repository's tsconfig.json (`spikegpu` mapped to src/index.ts). Relative links in these
// pages must name files and headings that exist.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
/** Where the extracted examples and their bundles are written (ignored with node_modules). */
const WORK = join(ROOT, 'node_modules', '.cache', 'spikegpu-docs-examples');
const RUN = ['node.md', 'models-declaring.md', 'programs.md'];
const TYPE_CHECK_ONLY = ['browser.md', 'embedding.md'];

interface Block { language: string; code: string; line: number; end: number }
interface Example { page: string; line: number; code: string; shown: string[] | null }

function blocks(page: string): Block[] {
  const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    language: m[1]!, code: m[2]!,
    line: text.slice(0, m.index).split('\n').length,
    end: m.index! + m[0].length,
  }));
}

/** A page's ts blocks, each with the text block right under it (only blank lines between), if any. */
function examples(page: string): Example[] {
  const text = readFileSync(join(ROOT, 'docs', page), 'utf8'), all = blocks(page);
  return all.flatMap((b, k) => {
    if (b.language !== 'ts') return [];
    const next = all[k + 1];
    const under = next && next.language === 'text' && text.slice(b.end, text.indexOf('```text', b.end)).trim() === '';
    return [{ page, line: b.line, code: b.code, shown: under ? next.code.replace(/\n$/, '').split('\n') : null }];
  });
}

const fileOf = (e: Example) => join(WORK, `${e.page.replace(/\W/g, '_')}_${e.line}.ts`);

/** `?raw` imports as text and WebAssembly text (.wat) assembled by wabt, as vite.config.ts loads them. */
const sourcePlugin: Plugin = {
  name: 'spikegpu-source',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({ path: resolve(a.resolveDir, a.path.slice(0, -'?raw'.length)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (a) => ({ contents: readFileSync(a.path, 'utf8'), loader: 'text' }));
    b.onLoad({ filter: /\.wat$/ }, async (a) => {
      const wabt = await (await import('wabt')).default();
      const module = wabt.parseWat(a.path, readFileSync(a.path, 'utf8'));
      try {
        module.validate();
        return { contents: module.toBinary({}).buffer, loader: 'binary' };
      } finally {
        module.destroy();
      }
    });
  },
};

async function bundle(source: string): Promise<string> {
  const out = source.replace(/\.ts$/, '.mjs');
  await build({
    entryPoints: [source], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    alias: { spikegpu: join(ROOT, 'src', 'node.ts') },
    // The native WebGPU binding stays a package, resolved from the repository's node_modules.
    external: ['webgpu'],
    // package.json's sideEffects names dist/node.js, not src/node.ts, whose import registers Node's platform.
    ignoreAnnotations: true,
    plugins: [sourcePlugin], logLevel: 'error',
  });
  return out;
}

function node(script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [script], { cwd, timeout: 300_000, env: { ...process.env, XDG_RUNTIME_DIR: '/tmp', EGL_PLATFORM: 'surfaceless' } }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Each shown line matches the output line at its place; … stands for any text. */
function expectShown(shown: readonly string[], output: readonly string[], what: string): void {
  const pattern = (line: string) => new RegExp(`^${line.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  const ok = shown.length === output.length && shown.every((line, k) => pattern(line).test(output[k]!));
  expect(ok, `${what}: the output is not what the page shows.\nshown:\n${shown.join('\n')}\noutput:\n${output.join('\n')}`).toBe(true);
}

mkdirSync(WORK, { recursive: true });

describe.each(RUN)('docs/%s', (page) => {
  it('runs every ts example, printing what the page shows under it', async () => {
    const list = examples(page);
    expect(list.length).toBeGreaterThanOrEqual(2);
    const cwd = mkdtempSync(join(tmpdir(), 'spikegpu-docs-'));
    const json = blocks(page).find((b) => b.language === 'json');
    if (json) writeFileSync(join(cwd, 'network.json'), json.code);
    for (const e of list) {
      writeFileSync(fileOf(e), e.code);
      const r = await node(await bundle(fileOf(e)), cwd);
      const what = `docs/${page}, the example at line ${e.line}`;
      expect(r.code, `${what} exited with ${r.code}:\n${r.stderr}`).toBe(0);
      if (e.shown) expectShown(e.shown, r.stdout.replace(/\n$/, '').split('\n'), what);
    }
    if (page === 'node.md') expect(readFileSync(join(cwd, 'spikes.csv'), 'utf8')).toMatch(/^t_ms,neuron\n\d+,\d+\n/);
  });
});

describe.each(TYPE_CHECK_ONLY)('docs/%s', (page) => {
  it('shows no output that is not checked', () => {
    expect(blocks(page).filter((b) => b.language === 'text')).toEqual([]);
    expect(examples(page).length).toBeGreaterThanOrEqual(2);
  });
});

it('type-checks every ts example of the usage pages with the repository tsconfig', () => {
  const list = [...RUN, ...TYPE_CHECK_ONLY].flatMap(examples);
  for (const e of list) writeFileSync(fileOf(e), e.code);
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(list.map(fileOf), { ...parsed.options, noEmit: true });
  // Only the examples' own errors: the library is type-checked by `npm run typecheck`.
  const files = new Set(list.map((e) => resolve(fileOf(e))));
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.has(resolve(d.file.fileName))).map((d) => {
    const e = list.find((x) => resolve(fileOf(x)) === resolve(d.file!.fileName))!;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    return `docs/${e.page}:${e.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(errors).toEqual([]);
}, 300_000);

it('links from the usage pages to files and headings that exist', () => {
  const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
  for (const page of [...RUN, ...TYPE_CHECK_ONLY]) {
    const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
    for (const [, file, hash] of text.matchAll(/\]\(([\w.-]+)(?:#([\w-]+))?\)/g)) {
      const target = join(ROOT, 'docs', file!);
      expect(existsSync(target), `docs/${page}: ${file}`).toBe(true);
      if (!hash) continue;
      const headings = readFileSync(target, 'utf8').split('\n').filter((l) => /^#{1,4} /.test(l)).map((l) => anchor(l.replace(/^#+ /, '')));
      expect(headings, `docs/${page}: ${file}#${hash}`).toContain(hash);
    }
  }
});
