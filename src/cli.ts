#!/usr/bin/env node
// The `spikegpu` command line (docs/cli.md): `spikegpu run <network | experiment | FILE.json>`
// runs it through the one API (src/run/create.ts) and writes its results into --out;
// `spikegpu compile FILE.json` writes a program compiled ahead of time (docs/programs.md).
import { UsageError } from './cli/args.js';
import { Exit } from './cli/command.js';
import { RUN_NAMES } from './cli/catalog.js';
import { createProgram } from './cli/program.js';
import { endProgressLine } from './cli/progress.js';
import { NetworkSpecError } from './spec/validate.js';

/** Where to read the usage of what went wrong: the run command's own help when one was named. */
function hint(argv: readonly string[]): string {
  if (argv[0] === 'compile') return "run 'spikegpu help compile' for its options";
  const target = argv[0] === 'run' ? argv[1] : undefined;
  if (target?.endsWith('.json')) return "run 'spikegpu help run file' for its options";
  return target && RUN_NAMES.includes(target) ? `run 'spikegpu help run ${target}' for its options` : "run 'spikegpu --help' for usage";
}

/** The exit code: 0, 2 for a bad command line or network description, 1 for any other failure (printed on stderr). */
async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    // The Node entry registers Node's WebGPU and worker threads (src/platform.ts); imported by
    // value, since a bare side-effect import is dropped where package.json lists no side effects for it.
    await import('./node.js');
    if (argv.length === 0) program.outputHelp();
    else await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    endProgressLine();
    const err = e instanceof Error ? e : new Error(String(e));
    if (err instanceof UsageError) {
      console.error(`spikegpu: ${err.message}\n${err.hint ?? hint(argv)}`);
      return 2;
    }
    // Descriptions with bad fields (including networks too large to build) are bad input too: exit 2.
    const text = err instanceof NetworkSpecError ? err.issues.map((i) => `${i.path || '(description)'}: ${i.message}`).join('; ')
      : (err.message || String(err)).split('\n')[0];
    console.error(`spikegpu: ${err.name}: ${text}`);
    return err instanceof NetworkSpecError ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
