// The --out folder (docs/cli.md#the-output-folder): checked before a run, filled through a
// temporary folder beside it, and changed only once every file is complete; on any failure it
// is left as it was and nothing spikegpu made stays behind.
import { randomBytes } from 'node:crypto';
import { constants, rmSync, rmdirSync } from 'node:fs';
import { access, copyFile, lstat, mkdir, mkdtemp, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './args.js';

/** The list of what a run wrote, so that --force removes exactly that and never a user's own files. */
export const MANIFEST = '.spikegpu-run.json';

export interface ResultFolderOptions {
  /** The names this run will write, for the clash check before it starts. */
  outputs: readonly string[];
  force: boolean;
  /** Recorded in the manifest. */
  version: string;
  command: readonly string[];
}

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code;
/** Whether something is at `path`; a path through a file (ENOTDIR) has nothing there. */
const exists = (path: string) => lstat(path).then(() => true, (e) => (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR' ? false : Promise.reject(e)));
/** A name a manifest may list: a file right in the folder, never a path out of it. */
const plainName = (name: unknown): name is string => typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && basename(name) === name && !name.includes(sep);

/** The files an earlier run's manifest lists (the manifest itself included); null without one. */
async function earlierRun(dir: string): Promise<string[] | null> {
  let text: string;
  try { text = await readFile(join(dir, MANIFEST), 'utf8'); } catch (e) { if (errorCode(e) === 'ENOENT') return null; throw e; }
  let files: unknown;
  // A manifest that cannot be read still marks an earlier run; only the manifest itself is then known to be ours.
  try { files = (JSON.parse(text) as { files?: unknown }).files; } catch { files = []; }
  return [...(Array.isArray(files) ? files.filter(plainName) : []), MANIFEST];
}

async function writable(path: string): Promise<string | null> {
  try { await access(path, constants.W_OK | constants.X_OK); return null; } catch (e) { return errorCode(e) ?? String(e); }
}

/** Moves a file, by copying where the two folders are on different file systems. */
async function move(from: string, to: string): Promise<void> {
  try { await rename(from, to); } catch (e) {
    if (errorCode(e) !== 'EXDEV') throw e;
    await copyFile(from, to);
    await rm(from);
  }
}

export class ResultFolder {
  /** The files are in place: a failure after this leaves the folders made for them. */
  private finished = false;
  private committing = false;
  /** A signal that came mid-commit, acted on once the commit ends. */
  private stoppedBy: NodeJS.Signals | undefined;

  private constructor(
    /** The folder as the user named it, for messages. */
    readonly out: string,
    readonly dir: string,
    private readonly temp: string,
    /** What the folder held before: null when it did not exist; the earlier run's files and the names this run will replace otherwise. */
    private readonly replaced: string[] | null,
    /** The first folder above `dir` that this run made, removed again on failure. */
    private readonly madeAbove: string | undefined,
    private readonly options: ResultFolderOptions,
  ) {}

  /** Checks `out` and makes the temporary folder beside it; a UsageError names what is wrong before any work starts. */
  static async prepare(out: string, options: ResultFolderOptions): Promise<ResultFolder> {
    const dir = resolve(out), parent = dirname(dir);
    const refuse = (why: string) => new UsageError(`--out ${out} ${why}`);
    let replaced: string[] | null = null;
    if (await exists(dir)) {
      const target = await stat(dir).catch(() => null);
      if (!target) throw refuse('is a link to nothing');
      if (!target.isDirectory()) throw refuse('is a file, not a folder');
      const denied = await writable(dir);
      if (denied) throw refuse(`cannot be written (${denied})`);
      const names = await readdir(dir), earlier = await earlierRun(dir);
      const kept = names.filter((n) => (earlier ?? []).includes(n) || options.outputs.includes(n) || n === MANIFEST);
      if (kept.length > 0 && !options.force) {
        const shown = (kept.length > 1 ? kept.filter((n) => n !== MANIFEST) : kept).sort();
        throw refuse(`already holds ${shown.join(', ')}${earlier ? ' from an earlier spikegpu run' : ''}; choose another --out or pass --force to replace ${earlier ? 'that run' : 'them'}`);
      }
      for (const name of kept) {
        if (!(await lstat(join(dir, name))).isFile()) throw refuse(`holds a folder or link named ${name}, which spikegpu does not replace`);
      }
      replaced = kept;
    }
    // The nearest folder that exists must take a new folder: a file there, or no permission, refuses --out.
    let above = parent;
    while (!(await exists(above))) above = dirname(above);
    if (!(await stat(above)).isDirectory()) throw refuse(`cannot be made: ${above} is a file, not a folder`);
    const denied = await writable(above);
    if (denied) throw refuse(`cannot be made: ${above} is not writable (${denied})`);
    let madeAbove: string | undefined;
    try {
      madeAbove = await mkdir(parent, { recursive: true });
      // mkdir, not mkdtemp: the folder becomes DIR, so it takes the umask's mode as any new folder does (mkdtemp's is 0700).
      const temp = join(parent, `.${basename(dir) || 'out'}.spikegpu-${randomBytes(6).toString('hex')}`);
      await mkdir(temp);
      return new ResultFolder(out, dir, temp, replaced, madeAbove, options).watchSignals();
    } catch (e) {
      if (madeAbove) await removeMadeFolders(parent, madeAbove);
      throw refuse(`cannot be made in ${parent}: ${(e as Error).message}`);
    }
  }

  /** Writes every file into the temporary folder, then moves them (and the manifest, last) into place. */
  async commit(files: Record<string, string>): Promise<void> {
    const names = [...Object.keys(files), MANIFEST];
    for (const [name, text] of Object.entries(files)) await writeFile(join(this.temp, name), text);
    const manifest = { spikegpu: this.options.version, command: this.options.command, written: new Date().toISOString(), files: Object.keys(files) };
    await writeFile(join(this.temp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    this.committing = true;
    try {
      if (this.replaced === null) await rename(this.temp, this.dir);
      else await this.replaceInPlace(names);
      this.finished = true;
    } finally {
      this.committing = false;
      await this.discard();
      if (this.stoppedBy) exitOnSignal(this.stoppedBy);
    }
  }

  /** Removes the temporary folder and the folders made for it; the result folder stays as it was. */
  async discard(): Promise<void> {
    this.stopWatching();
    await rm(this.temp, { recursive: true, force: true });
    if (!this.finished && this.madeAbove) await removeMadeFolders(dirname(this.dir), this.madeAbove);
  }

  /** Into an existing folder: the earlier run's files go aside, the new ones in; any failure puts the earlier ones back. */
  private async replaceInPlace(names: readonly string[]): Promise<void> {
    const present = new Set(await readdir(this.dir));
    const clash = names.filter((n) => present.has(n) && !this.replaced!.includes(n));
    // The names were checked before the run; one that appeared since is a user's file, never overwritten.
    if (clash.length > 0) throw new Error(`${this.out} now holds ${clash.join(', ')}, made while spikegpu ran; nothing was changed`);
    const aside = await mkdtemp(join(dirname(this.dir), `.${basename(this.dir)}.spikegpu-earlier-`));
    const movedAside: string[] = [], movedIn: string[] = [];
    try {
      for (const name of this.replaced!.filter((n) => present.has(n))) { await move(join(this.dir, name), join(aside, name)); movedAside.push(name); }
      for (const name of names) { await move(join(this.temp, name), join(this.dir, name)); movedIn.push(name); }
    } catch (e) {
      try {
        for (const name of movedIn) await move(join(this.dir, name), join(this.temp, name));
        for (const name of movedAside) await move(join(aside, name), join(this.dir, name));
      } catch (restoring) {
        // The earlier files stay where they are rather than be deleted: the message says where.
        throw new Error(`writing into ${this.out} failed (${(e as Error).message}) and putting its earlier files back failed too ` +
          `(${(restoring as Error).message}); they are in ${aside}`);
      }
      await rm(aside, { recursive: true, force: true });
      throw e;
    }
    await rm(aside, { recursive: true, force: true });
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    // Mid-commit the files are moving; leaving then would mix two runs, so the commit ends first.
    if (this.committing) { this.stoppedBy = signal; return; }
    rmSync(this.temp, { recursive: true, force: true });
    if (this.madeAbove) removeMadeFoldersSync(dirname(this.dir), this.madeAbove);
    exitOnSignal(signal);
  };

  /** A run stopped by Ctrl-C or kill takes its temporary folder with it. */
  private watchSignals(): this {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, this.onSignal);
    return this;
  }

  private stopWatching(): void {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, this.onSignal);
  }
}

/** The folders from `deepest` up to `top` (both included) that this run made, where they are empty. */
function madeChain(deepest: string, top: string): string[] {
  const chain: string[] = [];
  for (let d = deepest; ; d = dirname(d)) {
    chain.push(d);
    if (d === top || relative(top, d).startsWith('..') || d === dirname(d)) return chain;
  }
}

async function removeMadeFolders(deepest: string, top: string): Promise<void> {
  for (const d of madeChain(deepest, top)) await rmdir(d).catch(() => undefined);
}

function removeMadeFoldersSync(deepest: string, top: string): void {
  for (const d of madeChain(deepest, top)) { try { rmdirSync(d); } catch { /* not empty: not only ours */ } }
}

/** The exit status a shell gives a process the signal ended: 128 + its number. */
export function exitOnSignal(signal: NodeJS.Signals): never {
  process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]!);
}
