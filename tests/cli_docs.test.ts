// docs/cli.md stays true: every `$ spikegpu …` line of its console blocks runs, in order, in one
// empty folder (its first json block saved there as net.json), with the exit code its `# exits N`
// gives (else 0) and the output lines shown under it (… for any text); every option of every
// command, and each limit the help names, is on the page.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/cli/program';
import { ROOT, run, tmp } from './cli_helpers';

const doc = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');

/** The fenced blocks: their language and lines. */
const blocks = [...doc.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ language: m[1]!, lines: m[2]!.replace(/\n$/, '').split('\n') }));

interface Example { command: string; args: string[]; exitCode: number; output: string[] }

function examples(): Example[] {
  const found: Example[] = [];
  for (const block of blocks.filter((b) => b.language === 'console')) {
    for (const line of block.lines) {
      if (!line.startsWith('$ ')) { found.at(-1)!.output.push(line); continue; }
      const [, command, code] = /^\$ (.*?)\s*(?:# exits (\d+))?$/.exec(line)!;
      found.push({ command: command!, args: command!.split(/\s+/).slice(1), exitCode: Number(code ?? 0), output: [] });
    }
  }
  return found;
}

/** Each shown line matches an output line, in order; … stands for any text. */
function expectShown(shown: readonly string[], output: readonly string[], what: string): void {
  let k = 0;
  for (const line of shown) {
    const pattern = new RegExp(`^${line.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    while (k < output.length && !pattern.test(output[k]!)) k++;
    expect(k < output.length, `${what}: no output line matches ${JSON.stringify(line)} in order; output:\n${output.join('\n')}`).toBe(true);
    k++;
  }
}

describe('docs/cli.md', () => {
  it('shows its examples only where they are run, written as the shell takes them', () => {
    const list = examples();
    expect(list.length).toBeGreaterThanOrEqual(10);
    for (const e of list) {
      expect(e.command, 'an example runs spikegpu').toMatch(/^spikegpu /);
      expect(e.command, 'no quoting: the test splits on spaces').not.toMatch(/["'\\]/);
    }
    // A spikegpu command in any other block would go untested.
    for (const b of blocks.filter((x) => x.language !== 'console')) expect(b.lines.filter((l) => /^\$? ?spikegpu /.test(l))).toEqual([]);
  });

  it('runs every example with the exit code and output shown', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'net.json'), blocks.find((b) => b.language === 'json')!.lines.join('\n'));
    for (const e of examples()) {
      const r = await run(e.args, { cwd });
      expect(r.code, `${e.command}\n${r.stderr}`).toBe(e.exitCode);
      expectShown(e.output, [...r.stdout.split('\n'), ...r.stderr.split('\n')], e.command);
    }
  });

  it("names every option of every command and each limit its help gives", () => {
    const program = createProgram();
    const commands = [...program.commands.find((c) => c.name() === 'run')!.commands, program.commands.find((c) => c.name() === 'compile')!];
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const command of commands) {
      for (const option of command.options) {
        expect(doc, `${command.name()} ${option.long}`).toContain(`\`${option.long}`);
        for (const limit of option.description.match(/[[(](?:[\d.]+|N), (?:[\d.]+|N)[\])]/g) ?? []) expect(doc, `${command.name()} ${option.long} ${limit}`).toContain(limit);
      }
    }
  });
});
