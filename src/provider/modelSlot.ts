import { OnnxRuntimeUnavailableError } from '../inference/onnxRuntime';
import { RuntimeKind } from '../inference/runtime';
import { PolicyOptions } from '../suggestion/completionPolicy';
import { LoadedEngine, loadSuggestionEngine } from '../suggestion/loadEngine';

/** A loaded model with the policy it loaded with (the engine's options change per request with the settings). */
export interface SlotModel extends LoadedEngine {
  policy: PolicyOptions;
}

/** The model the settings choose. */
export interface ModelChoice {
  /** The setting's name for it ('lstm', 'gru'). */
  name: string;
  directory: string;
  runtime: RuntimeKind;
}

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlotEvents {
  status(status: ModelStatus, choice: ModelChoice): void;
  /** Called once per failed choice, not per request. */
  failed(error: unknown, choice: ModelChoice): void;
  loaded(model: SlotModel, choice: ModelChoice): void;
}

export type Loader = (directory: string, runtime: RuntimeKind) => Promise<LoadedEngine>;

/**
 * Loads a model directory with the runtime asked for, falling back from onnxruntime-node to the TypeScript
 * runtime where its native module cannot load.
 */
export async function loadWithFallback(directory: string, runtime: RuntimeKind, info: (message: string) => void): Promise<LoadedEngine> {
  try {
    return await loadSuggestionEngine(directory, runtime);
  } catch (error) {
    if (!(error instanceof OnnxRuntimeUnavailableError)) throw error;
    info(`${error.message}; using the TypeScript runtime instead`);
    return loadSuggestionEngine(directory, 'typescript');
  }
}

/**
 * The one loaded model: loaded lazily on the first request for a choice, once (concurrent requests share the
 * promise). A different choice disposes the old model and loads the new one on its first request. A choice that
 * failed stays failed (reported once) until the settings choose again.
 */
export class ModelSlot {
  private current: { key: string; choice: ModelChoice; promise: Promise<SlotModel | undefined> } | undefined;

  constructor(private readonly load: Loader, private readonly events: ModelSlotEvents) {}

  get(choice: ModelChoice): Promise<SlotModel | undefined> {
    const key = `${choice.name}\n${choice.directory}\n${choice.runtime}`;
    if (this.current?.key === key) return this.current.promise;
    this.release();
    this.events.status('loading', choice);
    const promise: Promise<SlotModel | undefined> = this.load(choice.directory, choice.runtime).then(
      (loaded) => {
        if (this.current?.promise !== promise) {
          void loaded.runtime.dispose(); // the settings chose another model while this one loaded
          return undefined;
        }
        const model: SlotModel = { ...loaded, policy: { ...loaded.engine.options } };
        this.events.loaded(model, choice);
        this.events.status('ready', choice);
        return model;
      },
      (error: unknown) => {
        if (this.current?.promise === promise) {
          this.events.failed(error, choice);
          this.events.status('error', choice);
        }
        return undefined;
      },
    );
    this.current = { key, choice, promise };
    return promise;
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
    void old.promise.then((loaded) => loaded?.runtime.dispose());
    this.events.status('idle', old.choice);
  }
}
