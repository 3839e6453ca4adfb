import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { MANIFEST_FILE, readManifest, removeUnreferencedFiles } from './modelFiles';

/**
 * Putting a complete model directory, built and measured elsewhere, in place of another, so that a kill at any
 * moment leaves the target a usable model: the old one or the new one, never a mix and never nothing.
 *
 * The staging directory is a sibling of the target (one file system, so renames are atomic), named with the
 * process id so that a later run can remove what a killed one left behind without touching a live run's, and
 * with the thread's, so that whoever terminates a worker thread (its process lives on) can remove what it left.
 */
const STAGING_MARK = '.staging-';

/** A staging directory beside a target model directory, for models to build, measure and maybe install. */
export class ModelStaging {
  private constructor(private readonly root: string, private readonly target: string) {}

  static async create(target: string): Promise<ModelStaging> {
    const parent = path.dirname(path.resolve(target));
    await fs.mkdir(parent, { recursive: true });
    await removeAbandonedStaging(target);
    const root = path.join(parent, `${stagingPrefix(target, threadId)}${randomBytes(4).toString('hex')}`);
    await fs.mkdir(root);
    return new ModelStaging(root, target);
  }

  /** Where a model called `name` is built inside the staging directory. */
  path(name: string): string {
    return path.join(this.root, name);
  }

  /** Puts the model built at path(name) in place of the target (`installModelDirectory`). */
  install(name: string): Promise<void> {
    return installModelDirectory(this.path(name), this.target);
  }

  /** Removes the staging directory and whatever is left in it. */
  async discard(): Promise<void> {
    await fs.rm(this.root, { recursive: true, force: true });
  }
}

/**
 * Moves the model in `staging` to `target`. A missing target is created by renaming the whole directory. An
 * existing model directory keeps its old files until the new manifest has replaced the old one by rename (the
 * binary files are content-addressed, so the new ones arrive under new names beside the old); only then are
 * the files the new manifest does not name removed. Anything else at `target` is refused, untouched.
 */
export async function installModelDirectory(staging: string, target: string): Promise<void> {
  const manifest = await readManifest(staging);
  if (!(await checkModelTarget(target))) {
    await fs.rename(staging, target);
    return;
  }
  for (const file of [manifest.weights.file, ...Object.values(manifest.files).map((entry) => entry.file)]) {
    await fs.rename(path.join(staging, file), path.join(target, file));
  }
  await fs.rename(path.join(staging, MANIFEST_FILE), path.join(target, MANIFEST_FILE));
  await removeUnreferencedFiles(target, manifest);
}

/** How the names of this process's staging directories for `target` made in thread `thread` start. */
function stagingPrefix(target: string, thread: number): string {
  return `.${path.basename(target)}${STAGING_MARK}${process.pid}-${thread}-`;
}

/**
 * Removes the staging directories for `target` that a terminated worker thread of this process left (a worker
 * stopped in the middle of a run cannot run its own clean-up).
 */
export async function discardStagingOfThread(target: string, thread: number): Promise<void> {
  const parent = path.dirname(path.resolve(target));
  const prefix = stagingPrefix(target, thread);
  const names = await fs.readdir(parent).catch(() => []);
  for (const name of names) if (name.startsWith(prefix)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
}

/**
 * Whether `target` may receive a model: missing (false: it will be created), or a directory that is empty or
 * holds one (true). Anything else throws, before any work that would be lost on it.
 */
export async function checkModelTarget(target: string): Promise<boolean> {
  let existing: string[];
  try {
    existing = await fs.readdir(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') throw new Error(`${target} is a file; choose an empty or model directory`);
    throw error;
  }
  if (existing.length > 0 && !existing.includes(MANIFEST_FILE)) {
    throw new Error(`${target} holds files but no model (${MANIFEST_FILE}); choose an empty or model directory`);
  }
  return true;
}

/** Staging directories of this target whose process is gone. */
async function removeAbandonedStaging(target: string): Promise<void> {
  const parent = path.dirname(path.resolve(target));
  const prefix = `.${path.basename(target)}${STAGING_MARK}`;
  for (const name of await fs.readdir(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && !isRunning(pid)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
