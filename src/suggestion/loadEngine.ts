import { KneserNeyTrigram } from '../baseline/kneserNey';
import { createRuntime } from '../inference/createRuntime';
import { InferenceRuntime, RecurrentState, RuntimeKind } from '../inference/runtime';
import { ModelFormatError, ModelManifest, readManifest, readVerifiedFile } from '../model/modelFiles';
import { Vocabulary } from '../model/vocabulary';
import { DEFAULT_POLICY, PolicyOptions } from './completionPolicy';
import { Suggester, SuggestionEngine } from './engine';
import { KneserNeyPredictor } from './kneserNeyPredictor';
import { RuntimePredictor } from './runtimePredictor';
import { WorkspaceRecall } from './workspaceRecall';

export interface LoadedEngine {
  engine: SuggestionEngine<RecurrentState>;
  runtime: InferenceRuntime;
  manifest: ModelManifest;
  vocabulary: Vocabulary;
}

/**
 * A model directory ready to suggest: its runtime (onnxruntime-node by default) behind the completion
 * policy. The policy's defaults come from the model's manifest when training measured better ones.
 */
export async function loadSuggestionEngine(directory: string, runtimeKind: RuntimeKind = 'onnx', policy: Partial<PolicyOptions> = {}): Promise<LoadedEngine> {
  const manifest = await readManifest(directory);
  const vocabulary = vocabularyOf(directory, manifest);
  const recall = await workspaceRecallOf(directory, manifest);
  const runtime = await createRuntime(runtimeKind, directory);
  const options = { ...DEFAULT_POLICY, ...manifest.policy, ...policy };
  return { engine: new SuggestionEngine(new RuntimePredictor(runtime), vocabulary, options, recall), runtime, manifest, vocabulary };
}

/** The workspace strings a fine-tuned model remembers (its `recall` file); a model without one has none. */
export async function workspaceRecallOf(directory: string, manifest: ModelManifest): Promise<WorkspaceRecall | undefined> {
  const entry = manifest.files.recall;
  if (!entry) return undefined;
  const bytes = await readVerifiedFile(directory, entry, 'recall');
  try {
    return WorkspaceRecall.deserialize(bytes);
  } catch (error) {
    throw new ModelFormatError(directory, (error as Error).message);
  }
}

/** The Kneser-Ney baseline stored with a model, suggesting through the same policy. */
export async function loadBaselineEngine(directory: string, manifest: ModelManifest, policy: PolicyOptions): Promise<Suggester> {
  const entry = manifest.files.baseline;
  if (!entry) throw new ModelFormatError(directory, 'it holds no Kneser-Ney baseline (retrain it with this version)');
  const trigram = KneserNeyTrigram.deserialize(await readVerifiedFile(directory, entry, 'baseline'));
  const vocabulary = vocabularyOf(directory, manifest);
  return new SuggestionEngine(new KneserNeyPredictor(trigram, vocabulary.eosId), vocabulary, policy, await workspaceRecallOf(directory, manifest));
}

function vocabularyOf(directory: string, manifest: ModelManifest): Vocabulary {
  try {
    return Vocabulary.fromJSON(manifest.vocabulary);
  } catch (error) {
    throw new ModelFormatError(directory, `bad vocabulary: ${(error as Error).message}`);
  }
}
