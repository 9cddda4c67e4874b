// The package as its users get it: `npm pack`, installed into a copy of tests/consumer/ (a
// Node program and a page), type-checked strictly under moduleResolution bundler and nodenext,
// the Node program run, and the page bundled with vite and with esbuild for the browser (no
// Node module may reach it) into test-results/consumer/, where tests/browser/consumer.spec.ts
// runs both bundles in Chromium. The page's gzip size is issue 15's measure of the bundle.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'test-results', 'consumer');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
/** What a page that runs only the seed network on the GPU loads, gzip (see the test). */
const PAGE_GZIP_BOUND = 58_000;
/** Issue 15's target: half the 71 kB gzip every page loaded before; a page loading a compiled program meets it, the program counted in. */
const PROGRAM_PAGE_GZIP_BOUND = 35_500;

let app = '';
const sh = (cmd: string, args: string[], cwd = app) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), 'spikegpu-pack-'));
  // --ignore-scripts: `npm test` has just built dist/ (a second build here would race the other test files' reads of it).
  const tarball = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], ROOT))[0].filename as string;
  app = mkdtempSync(join(tmpdir(), 'spikegpu-consumer-'));
  cpSync(join(ROOT, 'tests', 'consumer'), app, { recursive: true });
  const installed = join(app, 'node_modules', 'spikegpu');
  mkdirSync(installed, { recursive: true });
  sh('tar', ['-xzf', join(packDir, tarball), '-C', installed, '--strip-components=1']);
  // Its dependencies as npm would install them (linked from this checkout, so no network is needed).
  for (const dep of Object.keys(pkg.dependencies)) {
    mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  }
  rmSync(packDir, { recursive: true, force: true });
}, 120_000);

describe('the packed package', () => {
  test('holds the build, its types, the README and the LICENSE, and nothing of the repository besides', () => {
    const files = (dir: string, at = ''): string[] => readdirSync(join(dir, at), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(dir, join(at, e.name)) : [join(at, e.name)]));
    const all = files(join(app, 'node_modules', 'spikegpu'));
    expect(all).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/node.js', 'dist/cli.js', 'dist/types/index.d.ts', 'dist/plot/index.js', 'dist/analysis/index.js', 'dist/render/spike_raster.js']));
    expect(all.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(f))).toEqual([]);
    expect(all.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  test.each(['bundler', 'nodenext'])('type-checks in a strict project (moduleResolution %s, skipLibCheck off)', (mode) => {
    let out = '';
    try { sh(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${mode}.json`]); } catch (e) { out = String((e as { stdout?: string }).stdout ?? e); }
    expect(out).toBe('');
  }, 120_000);

  test('a Node program runs it (the Node entry, CPU backend)', () => {
    sh(bin('esbuild'), ['src/node-app.ts', '--outfile=node-app.mjs', '--format=esm', '--platform=node', '--log-level=error']);
    const r = JSON.parse(sh(process.execPath, ['node-app.mjs'])) as { spikes: number; steps: number; backend: string; svg: boolean; synchrony: boolean };
    expect(r.steps).toBe(200);
    expect(r).toMatchObject({ svg: true, synchrony: true });  // the subpaths spikegpu/plot and spikegpu/analysis
    expect(r.backend).toMatch(/CPU/);
    expect(r.spikes).toBeGreaterThan(50);
  }, 60_000);
});

describe('the page, bundled for the browser', () => {
  /** The bundle's JavaScript, checked to import no Node module (a string naming one, as the worker source has, is fine). */
  const noNode = (dir: string) => {
    const js = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const imports = [...js.matchAll(/\b(?:import|from)\s*\(?\s*["']((?:node:|webgpu)[^"']*)["']/g)].map((m) => m[1]);
    expect(imports).toEqual([]);
    expect(js.includes('dawn.node'), 'dawn.node').toBe(false);
  };

  test('with vite: builds and reaches no Node module', async () => {
    const { build } = await import('vite');
    const outDir = join(OUT, 'vite');
    await build({ root: app, base: './', logLevel: 'silent', configFile: false, build: { outDir, emptyOutDir: true, target: 'es2022' } });
    noNode(outDir);
  }, 120_000);

  // Measured here: 56.9 kB (159 kB minified) in 15 files, against 71 kB for any page before: the model language's
  // own parser and compact WGSL took it from 57.9 to 53.7 kB, then the microcircuit's model, bounded normals,
  // procedural fixed-total, the Poisson rate check and folding choices between numbers added 3.2 kB. Validation
  // and the model compiler run in this page; the page below, loading a compiled program, meets issue 15's
  // 35.5 kB. The bound keeps what was won.
  test(`with esbuild (code splitting): reaches no Node module; what a GPU page loads is under ${PAGE_GZIP_BOUND / 1000} kB gzip, the CPU backend and the GPU connectivity builder left in chunks it never loads`, () => {
    const outDir = join(OUT, 'esbuild');
    rmSync(outDir, { recursive: true, force: true });
    const meta = join(app, 'meta.json');
    sh(bin('esbuild'), ['src/page.ts', '--bundle', '--splitting', '--format=esm', '--platform=browser', '--minify', `--outdir=${outDir}`, `--metafile=${meta}`, '--log-level=error']);
    writeFileSync(join(outDir, 'index.html'), readFileSync(join(app, 'index.html'), 'utf8').replace('./src/page.ts', './page.js'));
    noNode(outDir);
    const outputs = (JSON.parse(readFileSync(meta, 'utf8')) as { outputs: Record<string, { imports: { path: string; kind: string }[]; entryPoint?: string; inputs: Record<string, unknown> }> }).outputs;
    const file = (f: string) => join(app, f);
    const byInput = (name: string) => Object.keys(outputs).filter((f) => Object.keys(outputs[f]!.inputs).some((i) => i.includes(name)));
    // The entry, the GPU engine's chunk (a dynamic import the page takes), and what they import statically.
    const loaded = new Set<string>();
    const visit = (f: string) => { if (loaded.has(f)) return; loaded.add(f); for (const i of outputs[f]!.imports) if (i.kind === 'import-statement') visit(i.path); };
    visit(Object.keys(outputs).find((f) => outputs[f]!.entryPoint === 'src/page.ts')!);
    byInput('dist/engine/gpu.js').forEach(visit);
    for (const lazy of ['dist/engine/cpu.js', 'dist/engine/gpu_build.js', 'dist/equations/emit_wasm.js']) {
      expect(byInput(lazy).filter((f) => loaded.has(f)), lazy).toEqual([]);
    }
    const js = Buffer.concat([...loaded].filter((f) => f.endsWith('.js')).map((f) => readFileSync(file(f))));
    const gzip = gzipSync(js).length;
    writeFileSync(join(OUT, 'page-size.json'), JSON.stringify({ files: loaded.size, bytes: js.length, gzip }));
    expect(gzip).toBeLessThanOrEqual(PAGE_GZIP_BOUND);
  }, 120_000);

  // Measured here: 28.2 kB of JavaScript (75.5 kB minified, 7 files) and a 5.6 kB program (24.4 kB of JSON, 4.1 kB of it
  // the WGSL), 33.7 kB in all against the 35.5 kB target: spikegpu/program reaches no validator, model compiler or code generator.
  test(`a page loading a compiled program (spikegpu/program, esbuild): its JavaScript and the program together under ${PROGRAM_PAGE_GZIP_BOUND / 1000} kB gzip, none of the compiler in it`, () => {
    const outDir = join(OUT, 'esbuild-program');
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    // The program compiled by the package's Node entry, as a project's build step would.
    sh(bin('esbuild'), ['src/compile-program.ts', '--outfile=compile-program.mjs', '--format=esm', '--platform=node', '--log-level=error']);
    sh(process.execPath, ['compile-program.mjs', join(outDir, 'seed.program.json')]);
    const meta = join(app, 'meta-program.json');
    sh(bin('esbuild'), ['src/program-page.ts', '--bundle', '--splitting', '--format=esm', '--platform=browser', '--minify', `--outdir=${outDir}`, `--metafile=${meta}`, '--log-level=error']);
    writeFileSync(join(outDir, 'index.html'), readFileSync(join(app, 'program.html'), 'utf8').replace('./src/program-page.ts', './program-page.js'));
    noNode(outDir);
    const outputs = (JSON.parse(readFileSync(meta, 'utf8')) as { outputs: Record<string, { imports: { path: string; kind: string }[]; entryPoint?: string; inputs: Record<string, unknown> }> }).outputs;
    const loaded = new Set<string>();
    const visit = (f: string) => { if (loaded.has(f)) return; loaded.add(f); for (const i of outputs[f]!.imports) if (i.kind === 'import-statement') visit(i.path); };
    visit(Object.keys(outputs).find((f) => outputs[f]!.entryPoint === 'src/program-page.ts')!);
    Object.keys(outputs).filter((f) => Object.keys(outputs[f]!.inputs).some((i) => i.includes('dist/engine/gpu.js'))).forEach(visit);
    const inputs = [...loaded].flatMap((f) => Object.keys(outputs[f]!.inputs));
    // The validator, the model compiler (declarations, integrators, algebra), the code generator and its shaders stay out.
    for (const compiler of ['valibot', 'dist/spec/validate.js', 'dist/spec/check.js', 'dist/spec/network.js', 'dist/models/', 'dist/equations/integrators.js', 'dist/equations/fold.js', 'dist/engine/gpu_engine_code.js', 'dist/engine/gpu_code.js', 'dist/engine/gpu_synapses.js', 'dist/engine/gpu_stores_code.js', 'dist/shaders/']) {
      expect(inputs.filter((i) => i.includes(compiler)), compiler).toEqual([]);
    }
    const js = Buffer.concat([...loaded].filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(app, f))));
    const program = readFileSync(join(outDir, 'seed.program.json'));
    const gzip = { js: gzipSync(js).length, program: gzipSync(program).length };
    writeFileSync(join(OUT, 'program-page-size.json'), JSON.stringify({ files: loaded.size, bytes: js.length, programBytes: program.length, ...gzip }));
    expect(gzip.js + gzip.program).toBeLessThanOrEqual(PROGRAM_PAGE_GZIP_BOUND);
  }, 120_000);
});
