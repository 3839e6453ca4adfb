import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { RuntimeKind } from '../inference/runtime';
import { MANIFEST_FILE } from '../model/modelFiles';
import type { ModelOption } from './modelPicker';
import type { ModelChoice } from './modelSlot';

/**
 * Where Train on Workspace keeps what it made for one workspace (the extension's storageUri): a model directory
 * per architecture, <storage>/models/<arch>, and the last training report beside them. Nothing of it leaves that
 * folder, and Reset to Default Model removes the architecture's directory.
 */
export class WorkspaceModels {
  /** Architectures that have a trained model here, as last looked at (refresh() after writing or removing one). */
  private readonly present = new Set<string>();

  constructor(readonly storage: string) {
    this.refresh();
  }

  directory(arch: string): string {
    return path.join(this.storage, 'models', arch);
  }

  get reportFile(): string {
    return path.join(this.storage, 'models', 'training-report.json');
  }

  has(arch: string): boolean {
    return this.present.has(arch);
  }

  /**
   * Looks again which trained models exist. Synchronous and a stat a model: this runs at activation and after a
   * training or reset, never per keystroke (modelChoice reads the cached answer).
   */
  refresh(): void {
    this.present.clear();
    for (const arch of ['lstm', 'gru']) {
      if (existsSync(path.join(this.directory(arch), MANIFEST_FILE))) this.present.add(arch);
    }
  }
}

/**
 * The model that suggests for the chosen architecture: the workspace's trained one when it exists, with the
 * architecture's default standing in if it cannot be loaded; else the default itself (which then has nothing to
 * fall back to: a broken default is reported and nothing stands in).
 */
export function preferredModel(chosen: ModelOption, runtime: RuntimeKind, trainedDirectory: string | undefined): ModelChoice {
  const fallback = { name: chosen.name, directory: chosen.directory };
  return { name: chosen.name, directory: trainedDirectory ?? chosen.directory, runtime, fallback };
}

/** Whether a choice (or the model that loaded for it) is a workspace's trained model rather than a default. */
export function isTrainedChoice(choice: { directory: string; fallback?: { directory: string } }): boolean {
  return choice.fallback !== undefined && choice.fallback.directory !== choice.directory;
}
