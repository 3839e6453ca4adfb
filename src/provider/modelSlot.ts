import { OnnxRuntimeUnavailableError } from '../inference/onnxRuntime';
import { RuntimeKind } from '../inference/runtime';
import { PolicyOptions } from '../suggestion/completionPolicy';
import { LoadedEngine, loadSuggestionEngine } from '../suggestion/loadEngine';

/** A loaded model with the policy it loaded with (the engine's options change per request with the settings). */
export interface SlotModel extends LoadedEngine {
  policy: PolicyOptions;
  /** The model that loaded: the one chosen, or its fallback. */
  choice: ModelChoice;
}

/** The model the settings choose. */
export interface ModelChoice {
  /** The setting's name for it ('lstm', 'gru'). */
  name: string;
  directory: string;
  runtime: RuntimeKind;
  /** The model loaded instead when this one is missing or corrupt (the default of its architecture), if another. */
  fallback?: { name: string; directory: string };
}

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlotEvents {
  status(status: ModelStatus, choice: ModelChoice): void;
  /**
   * Called once per failed choice, not per request: `error` says why the chosen model did not load, and
   * `usedInstead` names its fallback when that loaded (else `fallbackError` says why it did not, if it was tried).
   */
  failed(error: unknown, choice: ModelChoice, usedInstead?: ModelChoice, fallbackError?: unknown): void;
  loaded(model: SlotModel, choice: ModelChoice): void;
}

export type Loader = (directory: string, runtime: RuntimeKind) => Promise<LoadedEngine>;

/** A loaded model held for one request: done() lets go of it. */
export interface HeldModel {
  model: SlotModel;
  done(): void;
}

interface SlotEntry {
  key: string;
  choice: ModelChoice;
  promise: Promise<SlotModel | undefined>;
  /** Requests holding the model (acquire); a released entry's runtime is disposed when the last lets go. */
  holders: number;
  released: boolean;
}

/**
 * Loads a model directory with the runtime asked for, falling back from onnxruntime-node to the TypeScript
 * runtime where its native module cannot load. `withOnnx` gives a directory holding the model's ONNX export for
 * onnxruntime-node (see onnxExportCache.ts; the packaged default models carry only their weights).
 */
export async function loadWithFallback(
  directory: string,
  runtime: RuntimeKind,
  info: (message: string) => void,
  withOnnx: (directory: string) => Promise<string> = async (d) => d,
): Promise<LoadedEngine> {
  try {
    return await loadSuggestionEngine(runtime === 'onnx' ? await withOnnx(directory) : directory, runtime);
  } catch (error) {
    if (!(error instanceof OnnxRuntimeUnavailableError)) throw error;
    info(`${error.message}; using the TypeScript runtime instead`);
    return loadSuggestionEngine(directory, 'typescript');
  }
}

/**
 * The one loaded model: loaded lazily on the first request for a choice, once (concurrent requests share the
 * promise). A different choice disposes the old model and loads the new one on its first request. A choice that
 * fails to load is replaced by its fallback, if it has one; either way it is reported once and stays as it is
 * until the settings choose again. A model dropped while requests hold it is disposed after the last is done:
 * a runtime is never released under a request that is still running it.
 */
export class ModelSlot {
  private current: SlotEntry | undefined;

  constructor(private readonly load: Loader, private readonly events: ModelSlotEvents) {}

  get(choice: ModelChoice): Promise<SlotModel | undefined> {
    const key = `${choice.name}\n${choice.directory}\n${choice.runtime}`;
    if (this.current?.key === key) return this.current.promise;
    this.release();
    this.events.status('loading', choice);
    const promise: Promise<SlotModel | undefined> = this.loadOrFallBack(choice).then(
      (outcome) => {
        if (this.current?.promise !== promise) {
          void outcome.loaded?.runtime.dispose(); // the settings chose another model while this one loaded
          return undefined;
        }
        const { loaded, loadedChoice, error, fallbackError } = outcome;
        if (error !== undefined) this.events.failed(error, choice, loaded ? loadedChoice : undefined, fallbackError);
        if (!loaded) {
          this.events.status('error', choice);
          return undefined;
        }
        const model: SlotModel = { ...loaded, policy: { ...loaded.engine.options }, choice: loadedChoice };
        this.events.loaded(model, loadedChoice);
        this.events.status('ready', choice);
        return model;
      },
    );
    this.current = { key, choice, promise, holders: 0, released: false };
    return promise;
  }

  /** The model for a choice, as get(), held until done() is called (undefined when none loads). */
  async acquire(choice: ModelChoice): Promise<HeldModel | undefined> {
    const promise = this.get(choice);
    const entry = this.current!;
    entry.holders++;
    const model = await promise;
    let held = true;
    const done = () => {
      if (!held) return;
      held = false;
      entry.holders--;
      if (entry.released && entry.holders === 0) dispose(entry);
    };
    if (!model) {
      done();
      return undefined;
    }
    return { model, done };
  }

  private async loadOrFallBack(choice: ModelChoice): Promise<{ loaded?: LoadedEngine; loadedChoice: ModelChoice; error?: unknown; fallbackError?: unknown }> {
    try {
      return { loaded: await this.load(choice.directory, choice.runtime), loadedChoice: choice };
    } catch (error) {
      const fallback = choice.fallback;
      if (!fallback || fallback.directory === choice.directory) return { loadedChoice: choice, error };
      const fallbackChoice: ModelChoice = { ...fallback, runtime: choice.runtime };
      try {
        return { loaded: await this.load(fallback.directory, choice.runtime), loadedChoice: fallbackChoice, error };
      } catch (fallbackError) {
        return { loadedChoice: fallbackChoice, error, fallbackError };
      }
    }
  }

  /** The current model once loaded (undefined if none), without starting a load. */
  async ifLoaded(): Promise<SlotModel | undefined> {
    return this.current?.promise;
  }

  /** Drops the model: the next request loads again. */
  release(): void {
    const old = this.current;
    this.current = undefined;
    if (!old) return;
    old.released = true;
    if (old.holders === 0) dispose(old);
    this.events.status('idle', old.choice);
  }
}

function dispose(entry: SlotEntry): void {
  void entry.promise.then((loaded) => loaded?.runtime.dispose());
}
