import type { FinetuneSource } from '../training/finetuneJob';

/** The settings Train on Workspace reads, as VS Code gives them for a workspace folder. */
export interface TrainingSettingValues {
  include: readonly string[];
  exclude: readonly string[];
  maxFileSizeKB: number;
  /** `files.exclude`: glob → true, false, or { when: ... } (a sibling condition). */
  filesExclude: Readonly<Record<string, unknown>>;
}

type CollectSettings = Extract<FinetuneSource, { roots: string[] }>['collect'];

/**
 * What collecting the workspace honours: the include globs, the exclude setting plus every `files.exclude` glob
 * set to true. A `{ when }` entry (hide *.js beside its *.ts) depends on a sibling file, which collectWorkspace
 * does not look at: such entries are not applied.
 */
export function collectSettings(values: TrainingSettingValues): CollectSettings {
  const filesExclude = Object.entries(values.filesExclude).filter(([, on]) => on === true).map(([glob]) => glob);
  const maxKB = Number.isFinite(values.maxFileSizeKB) && values.maxFileSizeKB > 0 ? values.maxFileSizeKB : 1024;
  return {
    include: [...values.include],
    exclude: [...new Set([...values.exclude, ...filesExclude])],
    maxFileBytes: Math.round(maxKB * 1024),
  };
}

export interface TrainingContext {
  trusted: boolean;
  /** The workspace folders' URI schemes and file-system paths, in order. */
  folders: readonly { scheme: string; fsPath: string }[];
  /** The extension's storage for this workspace (undefined when no folder or workspace is open). */
  storage: string | undefined;
  running: boolean;
}

export type TrainingGate =
  | { kind: 'start'; roots: string[]; storage: string }
  | { kind: 'running' }
  | { kind: 'refused'; message: string };

/** Whether Train on Workspace may start now, and if not, what to tell the user. */
export function trainingGate(context: TrainingContext): TrainingGate {
  if (context.running) return { kind: 'running' };
  if (!context.trusted) {
    return { kind: 'refused', message: 'Training reads the files of this workspace, so it runs only in a trusted workspace. Suggestions keep working; trust the workspace (Manage Workspace Trust) to train.' };
  }
  if (context.folders.length === 0 || context.storage === undefined) {
    return { kind: 'refused', message: 'Open a folder first: training learns from the files of the workspace folders.' };
  }
  const virtual = context.folders.filter((folder) => folder.scheme !== 'file');
  if (virtual.length > 0) {
    return { kind: 'refused', message: `Training reads files from disk, and this workspace has folders that are not on this machine's disk (${[...new Set(virtual.map((f) => f.scheme))].join(', ')}).` };
  }
  return { kind: 'start', roots: context.folders.map((folder) => folder.fsPath), storage: context.storage };
}
