// Commander's own errors (unknown option, missing value, extra argument) said as the CLI's usage
// errors, so that every bad command line gets the same one-line reason and exit code 2.
import { Command, type CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { UsageError } from './args.js';
import { ResultFolder } from './result_folder.js';

export { VERSION };

/** Help or --version was printed: leave with this exit code. */
export class Exit extends Error {
  constructor(readonly code: number) { super(`exit ${code}`); }
}

/** The first quoted part of commander's message ('--seed <N>'), or the message without "error: ". */
const quoted = (message: string) => /'([^']*)'/.exec(message)?.[1] ?? message.replace(/^error: /, '');

/** How a command is named in messages, and what it says about its positional argument. */
export interface CommandTerms {
  /** Its name in messages ("unknown option --x for cobahh"); default: the command's name. */
  label?: (command: Command) => string;
  /** The message when its argument is missing. */
  missingArgument?: () => string;
  /** Where to look when the argument is missing. */
  missingHint?: string;
  /** Throws the UsageError for a bad argument, before commander's complaints about options (an unknown name explains those). */
  checkArgument?: (value: string) => void;
  /** The command its parent runs when no other name matches. */
  isDefault?: boolean;
}

/** Commander's error on `command` as the CLI's. */
export function translate(e: CommanderError, command: Command, terms: CommandTerms = {}): Error {
  const label = terms.label?.(command) ?? command.name();
  const argument = command.args[0];
  const missingArgument = command.registeredArguments.length > 0 && (argument === undefined || argument.startsWith('-'));
  if (e.code.startsWith('commander.missing') && missingArgument) return new UsageError(terms.missingArgument?.() ?? `${label} needs an argument`, terms.missingHint);
  if (!e.code.startsWith('commander.help') && e.code !== 'commander.version' && argument !== undefined && !missingArgument) terms.checkArgument?.(argument);
  switch (e.code) {
    case 'commander.helpDisplayed': case 'commander.version': case 'commander.help':
      return new Exit(e.exitCode);
    case 'commander.unknownOption': {
      const suggestion = /\(Did you mean (\S+)\?\)/.exec(e.message)?.[1];
      return new UsageError(`unknown option ${quoted(e.message)}${command.parent ? ` for ${label}` : ''}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    case 'commander.optionMissingArgument':
      return new UsageError(`${quoted(e.message).split(' ')[0]} needs a value`);
    case 'commander.missingMandatoryOptionValue': {
      const [flag, value] = quoted(e.message).split(' ');
      return new UsageError(`${flag}${value ? ` ${value.replace(/[<>]/g, '')}` : ''} is required`);
    }
    case 'commander.excessArguments':
      return new UsageError(`unexpected argument ${JSON.stringify(command.args[command.registeredArguments.length] ?? '')} for ${label}`);
    case 'commander.unknownCommand':
      return new UsageError(`unknown command "${quoted(e.message)}"; expected: run, compile, list, help`);
    default:
      return new UsageError(e.message.replace(/^error: /, ''));
  }
}

/** A command whose commander errors are the CLI's one-line usage errors. */
export function subcommand(parent: Command, name: string, terms: CommandTerms = {}): Command {
  const command = parent.command(name, { isDefault: terms.isDefault ?? false });
  command.exitOverride((e) => { throw translate(e, command, terms); });
  return command;
}

/**
 * The run of one `spikegpu run` command: `--out` checked before `produce` starts, its files
 * written through the temporary folder, nothing left behind when anything fails.
 */
export async function intoResultFolder(
  options: { out: string; force?: boolean }, outputs: readonly string[], produce: () => Promise<Record<string, string>>,
): Promise<Record<string, string>> {
  const folder = await ResultFolder.prepare(options.out, { outputs, force: options.force ?? false, version: VERSION, command: process.argv.slice(2) });
  try {
    const files = await produce();
    await folder.commit(files);
    return files;
  } catch (e) {
    await folder.discard();
    throw e;
  }
}
