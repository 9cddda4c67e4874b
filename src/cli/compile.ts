// `spikegpu compile FILE.json --out PROGRAM.json`: a network description compiled ahead of time
// into the program a page loads with spikegpu/program (docs/programs.md). The file appears whole
// or not at all, and an existing one is replaced only with --force.
import type { Command } from 'commander';
import { Option } from 'commander';
import { rmSync } from 'node:fs';
import { access, constants, link, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MAX_STEPS_PER_SUBMIT } from '../gpu/chunks.js';
import { compileProgram } from '../program/compile.js';
import { UsageError, given, integerIn, valueOption } from './args.js';
import { subcommand } from './command.js';
import { readNetwork } from './network.js';
import { exitOnSignal } from './result_folder.js';

interface CompileOptions { out: string; force?: boolean; stepsPerSubmit?: number; spikeCapacity?: number; quiet?: boolean }

/** Where the program goes: a file name ending in .json, in a folder that exists and can be written, not a file there already unless `force`. */
async function checkOut(out: string, force: boolean): Promise<string> {
  const path = resolve(out);
  if (!path.endsWith('.json')) throw new UsageError(`--out must name a .json file, got ${out}`);
  const there = await stat(path).catch(() => null);
  if (there?.isDirectory()) throw new UsageError(`--out ${out} is a folder; name the program's file`);
  if (there && !force) throw new UsageError(`${out} exists; --force replaces it`);
  try { await access(dirname(path), constants.W_OK); } catch { throw new UsageError(`--out: cannot write into ${dirname(path)} (missing, or not writable)`); }
  return path;
}

/**
 * Writes `text` to `path` whole or not at all: into a temporary file beside it, flushed to disk,
 * then moved into place (or, without `force`, linked there, which fails rather than replace a file
 * that appeared meanwhile). A signal or an error on the way removes the temporary file.
 */
async function writeWhole(path: string, text: string, force: boolean): Promise<void> {
  const temporary = `${path}.${process.pid}.partial`;
  const onSignal = (signal: NodeJS.Signals) => { rmSync(temporary, { force: true }); exitOnSignal(signal); };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.once(signal, onSignal);
  try {
    const handle = await open(temporary, 'wx');
    try { await handle.writeFile(text); await handle.sync(); } finally { await handle.close(); }
    if (force) await rename(temporary, path);
    else {
      try { await link(temporary, path); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${path} appeared while compiling; --force replaces it`);
        throw e;
      }
    }
  } finally {
    await rm(temporary, { force: true });
    for (const signal of signals) process.off(signal, onSignal);
  }
}

export function addCompileCommand(program: Command): void {
  const command = subcommand(program, 'compile <FILE.json>', { missingArgument: () => 'compile needs a network description (FILE.json)' })
    .summary('compile a network description into a program a page loads without the compiler (spikegpu/program)')
    .description('Validates FILE.json, plans it and generates its GPU kernels into PROGRAM.json, which loadProgram (spikegpu/program) runs '
      + 'as createSimulation runs the description (docs/programs.md).');
  command.addOption(valueOption('--out <PROGRAM.json>', 'the program file written (whole or not at all)', (v) => given('--out', v)).makeOptionMandatory());
  command.addOption(valueOption('--steps-per-submit <N>', `steps a chunk, in [1, ${MAX_STEPS_PER_SUBMIT}] (default 250): the program runs with it`, integerIn('--steps-per-submit', 1, MAX_STEPS_PER_SUBMIT)));
  command.addOption(valueOption('--spike-capacity <N>', `spikes one chunk can record, in [1, ${1 << 26}] (default: from the network's size)`, integerIn('--spike-capacity', 1, 1 << 26)));
  command.addOption(new Option('--force', 'replace PROGRAM.json if it exists'));
  command.addOption(new Option('--quiet', 'print nothing but errors'));
  command.action(async (file: string, o: CompileOptions) => {
    if (!file.endsWith('.json')) throw new UsageError(`compile reads a network description saved as JSON (FILE.json), got ${JSON.stringify(file)}`);
    const path = await checkOut(o.out, o.force ?? false);
    const compiled = compileProgram(await readNetwork(file), { stepsPerSubmit: o.stepsPerSubmit, spikeCapacity: o.spikeCapacity });
    const text = JSON.stringify(compiled);
    await writeWhole(path, text, o.force ?? false);
    if (!o.quiet) console.log(`${file}: compiled (${compiled.code.split('\n').length} lines of WGSL, ${compiled.stepsPerSubmit} steps a chunk); wrote ${o.out} (${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB)`);
  });
}
