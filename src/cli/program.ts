// The `spikegpu` command line as commander commands: `run NAME` (one subcommand per network and
// experiment, FILE.json by default), `compile FILE.json`, `list`, `help [command...]` and --version (docs/cli.md).
import { Command } from 'commander';
import { UsageError } from './args.js';
import { catalogText } from './catalog.js';
import { VERSION, subcommand, translate } from './command.js';
import { addCompileCommand } from './compile.js';
import { addExperimentCommands } from './experiment_commands.js';
import { addNetworkCommands } from './network.js';
import { addSeedCommand } from './seed.js';

const EXAMPLES = `
Examples:
  spikegpu run izhikevich2003 --out results/seed
  spikegpu run cobahh --neurons 1000 --duration 200 --backend cpu --out results/cobahh
  spikegpu run my-network.json --out results/mine --force
  spikegpu compile my-network.json --out my-network.program.json
  spikegpu list
  spikegpu help run cobahh

Every command, option and limit, the output folder's rules and the exit codes: docs/cli.md`;

/** The command `path` names below `program` (`help run cobahh`), or a UsageError. */
function commandAt(program: Command, path: readonly string[]): Command {
  let command = program;
  for (const name of path) {
    const next = command.commands.find((c) => c.name() === name);
    if (!next) {
      const names = command.commands.map((c) => c.name());
      throw new UsageError(`unknown command "${path.join(' ')}"; spikegpu ${command === program ? '' : `${command.name()} `}has ${names.join(', ')}`);
    }
    command = next;
  }
  return command;
}

export function createProgram(): Command {
  const program = new Command('spikegpu')
    .description('Spiking neural networks on the GPU (WebGPU) or the CPU: runs a network and writes its spikes, rates, traces and pictures into a folder.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this usage')
    .helpCommand(false)
    // src/cli.ts prints every error as one line; commander's own text would be a second one.
    .configureOutput({ outputError: () => undefined })
    .addHelpText('after', EXAMPLES);
  program.exitOverride((e) => { throw translate(e, program); });

  const run = subcommand(program, 'run')
    .summary('run a network or an experiment and write its results into --out DIR')
    .description('Runs a network or an experiment and writes its results into --out DIR (docs/cli.md#the-output-folder).')
    .helpCommand(false)
    .addHelpText('after', `\nNAME ending in .json is read as a network description: \`spikegpu run FILE.json\` is \`spikegpu run file FILE.json\`.\n` +
      "Each command's options and limits: spikegpu help run NAME");
  addSeedCommand(run);
  addNetworkCommands(run);
  addExperimentCommands(run);

  addCompileCommand(program);

  subcommand(program, 'list')
    .summary('list the networks, experiments and neuron models, one line each')
    .action(() => console.log(catalogText()));

  subcommand(program, 'help [command...]')
    .summary('print the usage of spikegpu or of one command (help run cobahh)')
    .action((path: string[]) => commandAt(program, path).outputHelp());
  return program;
}
