import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readManifest } from '../model/modelFiles';

/** A model the user can choose: its setting's name, its label in the editor, where it lives. */
export interface ModelOption {
  name: string;
  label: string;
  directory: string;
}

/** What the quick pick says about a model, read from its directory. */
export interface ModelFacts {
  /** Bytes of the files in its directory. */
  bytesOnDisk: number;
  /** Keystroke savings measured when it was trained (training.figures in model.json), Tab only / Tab or word by word. */
  ksr?: number;
  ksrWord?: number;
  vocabulary?: number;
  hiddenSize?: number;
  /** Why its manifest cannot be read, when it cannot. */
  problem?: string;
}

export async function readModelFacts(directory: string): Promise<ModelFacts> {
  let bytesOnDisk = 0;
  try {
    for (const entry of await fs.readdir(directory, { withFileTypes: true })) {
      if (entry.isFile()) bytesOnDisk += (await fs.stat(path.join(directory, entry.name))).size;
    }
    const manifest = await readManifest(directory);
    const figures = manifest.training.figures ?? {};
    const figure = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
    return {
      bytesOnDisk,
      ksr: figure(figures.ksr),
      ksrWord: figure(figures.ksrWord),
      vocabulary: manifest.config.vocabSize,
      hiddenSize: manifest.config.hiddenSize,
    };
  } catch (error) {
    return { bytesOnDisk, problem: error instanceof Error ? error.message : String(error) };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** One line about a model: its size on disk and the keystroke savings measured for it. */
export function describeModel(facts: ModelFacts): string {
  if (facts.problem) return `cannot be read: ${facts.problem}`;
  const savings = facts.ksrWord !== undefined || facts.ksr !== undefined
    ? `saves ${[
      facts.ksrWord !== undefined ? `${percent(facts.ksrWord)} of keystrokes with Tab or word by word` : undefined,
      facts.ksr !== undefined ? `${percent(facts.ksr)} with Tab only` : undefined,
    ].filter(Boolean).join(', ')}`
    : 'keystroke savings not measured';
  return `${formatBytes(facts.bytesOnDisk)} on disk · ${savings}`;
}

/** 'reset': back to the architecture's default, removing the workspace's trained model (after a confirmation). */
export type PickAction = { kind: 'model'; name: string } | { kind: 'reset'; name: string } | { kind: 'toggle' };

export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
  action: PickAction;
}

/**
 * The quick pick behind "Smart Compose: Choose Model" and the status bar item: one item per model (the one in use
 * marked), then the toggle. An architecture with a model trained on this workspace (`trained`: its facts) gets it
 * listed first; the trained model is the one in use for that architecture, and picking its default instead means
 * resetting to it.
 */
export function pickItems(
  options: readonly ModelOption[], facts: ReadonlyMap<string, ModelFacts>, chosen: string, enabled: boolean,
  trained: ReadonlyMap<string, ModelFacts> = new Map(),
): PickItem[] {
  const item = (label: string, about: ModelFacts | undefined, inUse: boolean, action: PickAction, note?: string): PickItem => {
    const shape = about?.vocabulary !== undefined ? `${about.hiddenSize} units, ${about.vocabulary.toLocaleString('en-US')} words` : undefined;
    return {
      label: `${inUse ? '$(check)' : '$(blank)'} ${label}`,
      description: [inUse ? 'in use' : undefined, note, shape].filter(Boolean).join(' · ') || undefined,
      detail: about ? describeModel(about) : undefined,
      action,
    };
  };
  const models = options.flatMap((option) => {
    const mine = trained.get(option.name);
    const byDefault = item(option.label, facts.get(option.name), option.name === chosen && !mine,
      mine ? { kind: 'reset', name: option.name } : { kind: 'model', name: option.name }, mine ? 'default: picking it removes the trained model' : undefined);
    return mine ? [item(`${option.label} (trained on this workspace)`, mine, option.name === chosen, { kind: 'model', name: option.name }), byDefault] : [byDefault];
  });
  const toggle: PickItem = {
    label: enabled ? '$(circle-slash) Turn Suggestions Off' : '$(sparkle) Turn Suggestions On',
    action: { kind: 'toggle' },
  };
  return [...models, toggle];
}
