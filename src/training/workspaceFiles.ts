import { Dirent, promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { Ignore } from 'ignore';
import { Minimatch } from 'minimatch';
import { FileKind, kindOfFile, kindOfUntypedText } from './fileKinds';
import { proseOf } from './proseOfFile';
import { isSecretFile } from './secretFiles';
import { scrubSecrets } from './secrets';
import { textOf } from './textContent';

/**
 * Collects the prose of workspace folders to train on: which files, read how, and why the others were not.
 * Every entry the walk meets gets one fate, kept or skipped for one reason, in this order: excluded by a glob,
 * ignored by git, a secret file by name, not prose by name, too large by size, then by content binary,
 * not UTF-8, minified or generated, and empty once comments are extracted and secrets removed.
 */

export type SkipReason = 'excluded' | 'gitignored' | 'secret-file' | 'binary' | 'not-utf8' | 'minified' | 'too-large' | 'not-prose' | 'empty';

export interface CollectOptions {
  /** Globs relative to each root; [] takes prose files and the comments of code files. */
  include: readonly string[];
  /** Globs relative to each root (the extension passes its exclude setting plus files.exclude). */
  exclude: readonly string[];
  /** Files larger are skipped as 'too-large' without being read. */
  maxFileBytes: number;
  /** Stop after this many kept files (`truncated` says so). */
  maxFiles?: number;
  /** Stops the walk before the next file; collectWorkspace then rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal;
}

export interface CollectedDocument {
  root: string;
  /** Posix path relative to root. */
  path: string;
  /** Prose only, secrets already scrubbed. */
  text: string;
}

export interface CollectResult {
  /** In root order, then by path (code-unit order). */
  documents: CollectedDocument[];
  /**
   * Entries skipped, by reason. A folder that is excluded or ignored counts once, as its files are never listed.
   * documents.length plus all skipped equals filesSeen.
   */
  skipped: Record<SkipReason, number>;
  /** Secrets removed from the kept documents. */
  redactions: number;
  filesSeen: number;
  /** Whether maxFiles stopped the walk before every entry was seen. */
  truncated: boolean;
}

export const DEFAULT_COLLECT_OPTIONS: CollectOptions = {
  include: [],
  exclude: [
    '**/.git', '**/.svn', '**/.hg', '**/node_modules', '**/bower_components', '**/vendor', '**/dist', '**/out',
    '**/build', '**/target', '**/coverage', '**/.vscode-test', '**/__pycache__', '**/.venv', '**/venv', '**/.tox',
    '**/.next', '**/.nuxt', '**/.cache', '**/*.min.js', '**/*.min.css', '**/*.map',
  ],
  maxFileBytes: 1024 * 1024,
};

const GLOB_OPTIONS = { dot: true } as const;

interface GitignoreLayer {
  /** Posix folder relative to the root, '' for the root itself. */
  base: string;
  rules: Ignore;
}

interface Walk {
  root: string;
  include: readonly Minimatch[];
  exclude: readonly Minimatch[];
  options: CollectOptions;
  result: CollectResult;
}

export async function collectWorkspace(roots: readonly string[], options: CollectOptions): Promise<CollectResult> {
  const result: CollectResult = {
    documents: [],
    skipped: { excluded: 0, gitignored: 0, 'secret-file': 0, binary: 0, 'not-utf8': 0, minified: 0, 'too-large': 0, 'not-prose': 0, empty: 0 },
    redactions: 0,
    filesSeen: 0,
    truncated: false,
  };
  const include = options.include.map((glob) => new Minimatch(glob, GLOB_OPTIONS));
  const exclude = options.exclude.map((glob) => new Minimatch(glob, GLOB_OPTIONS));
  for (const root of roots) {
    const stat = await fs.stat(root).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`workspace folder not found: ${root}`);
    const walk: Walk = { root, include, exclude, options, result };
    const gitInfoExclude = await gitignoreLayer(path.join(root, '.git', 'info', 'exclude'), '');
    if (!(await walkFolder(walk, '', gitInfoExclude ? [gitInfoExclude] : []))) break;
  }
  return result;
}

/** Walks one folder depth first in path order; false once maxFiles stops the walk. */
async function walkFolder(walk: Walk, folder: string, layers: readonly GitignoreLayer[]): Promise<boolean> {
  const absolute = path.join(walk.root, folder);
  const listed = await unlessUnreadable(fs.readdir(absolute, { withFileTypes: true }));
  const entries = listed === 'unreadable' ? [] : listed;
  const own = await gitignoreLayer(path.join(absolute, '.gitignore'), folder);
  const rules = own ? [...layers, own] : layers;
  // A folder sorts as its name plus "/", so the walk meets paths in the order a sort of full paths gives.
  const sortKey = (entry: Dirent): string => (entry.isDirectory() ? `${entry.name}/` : entry.name);
  entries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  for (const entry of entries) {
    walk.options.signal?.throwIfAborted();
    const relative = folder === '' ? entry.name : `${folder}/${entry.name}`;
    // Symbolic links are not followed: one inside the root reaches a file the walk meets anyway, one outside
    // it would read what the user never put in the workspace.
    if (entry.isDirectory()) {
      const skip = skipByName(walk, relative, rules, true);
      if (skip) {
        countSkip(walk.result, skip);
        continue;
      }
      if (!(await walkFolder(walk, relative, rules))) return false;
    } else if (entry.isFile()) {
      if (walk.options.maxFiles !== undefined && walk.result.documents.length >= walk.options.maxFiles) {
        walk.result.truncated = true;
        return false;
      }
      const skip = skipByName(walk, relative, rules, false) ?? (await unlessUnreadable(collectFile(walk, relative)));
      if (skip === 'unreadable') continue;
      if (skip) countSkip(walk.result, skip);
      else walk.result.filesSeen++;
    }
  }
  return true;
}

/**
 * A file or folder removed while the walk runs, or one the user may not read, is passed over as if it were
 * not there (it holds nothing the walk could use); any other error, an abort included, goes to the caller.
 */
async function unlessUnreadable<T>(work: Promise<T>): Promise<T | 'unreadable'> {
  try {
    return await work;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'ENOTDIR') return 'unreadable';
    throw error;
  }
}

function countSkip(result: CollectResult, reason: SkipReason): void {
  result.skipped[reason]++;
  result.filesSeen++;
}

function skipByName(walk: Walk, relative: string, layers: readonly GitignoreLayer[], isFolder: boolean): SkipReason | undefined {
  // Git's own store is never content, whatever the exclude setting holds.
  if (path.posix.basename(relative) === '.git') return 'excluded';
  const excluded = walk.exclude.some((glob) => glob.match(relative) || (isFolder && glob.match(`${relative}/`)));
  if (excluded) return 'excluded';
  if (isGitignored(layers, relative, isFolder)) return 'gitignored';
  if (isFolder) return undefined;
  if (isSecretFile(relative)) return 'secret-file';
  if (walk.include.length > 0 && !walk.include.some((glob) => glob.match(relative))) return 'excluded';
  return undefined;
}

/** Deeper .gitignore files decide first; within one, its last matching rule (the library's rule) decides. */
function isGitignored(layers: readonly GitignoreLayer[], relative: string, isFolder: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const { base, rules } = layers[i];
    const inside = base === '' ? relative : relative.slice(base.length + 1);
    const verdict = rules.test(isFolder ? `${inside}/` : inside);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

async function gitignoreLayer(file: string, base: string): Promise<GitignoreLayer | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : { base, rules: ignore().add(text) };
}

/** Reads one file that passed the name checks; a skip reason, or undefined once its document is kept. */
async function collectFile(walk: Walk, relative: string): Promise<SkipReason | undefined> {
  let kind: FileKind = kindOfFile(relative);
  if (kind.kind === 'not-prose') return 'not-prose';
  const absolute = path.join(walk.root, relative);
  const { size } = await fs.stat(absolute);
  if (size > walk.options.maxFileBytes) return 'too-large';
  const verdict = textOf(await fs.readFile(absolute, { signal: walk.options.signal }));
  if ('reason' in verdict) return verdict.reason;
  if (kind.kind === 'untyped') kind = kindOfUntypedText(verdict.text);
  if (kind.kind === 'not-prose' || kind.kind === 'untyped') return 'not-prose';
  const scrubbed = scrubSecrets(proseOf(verdict.text, kind));
  if (scrubbed.text.trim().length === 0) return 'empty';
  walk.result.redactions += scrubbed.redactions;
  walk.result.documents.push({ root: walk.root, path: relative, text: scrubbed.text });
  return undefined;
}
