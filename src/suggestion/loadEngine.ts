import { KneserNeyTrigram } from '../baseline/kneserNey';
import { createRuntime } from '../inference/createRuntime';
import { InferenceRuntime, RuntimeKind } from '../inference/runtime';
import { ModelFormatError, ModelManifest, readManifest, readVerifiedFile } from '../model/modelFiles';
import { Vocabulary } from '../model/vocabulary';
import { DEFAULT_POLICY, PolicyOptions } from './completionPolicy';
import { Suggester, SuggestionEngine } from './engine';
import { KneserNeyPredictor } from './kneserNeyPredictor';
import { MixturePredictor } from './mixturePredictor';
import { PhraseMemory } from './phraseMemory';
import { Predictor } from './predictor';
import { RuntimePredictor } from './runtimePredictor';
import { WorkspaceRecall } from './workspaceRecall';

export interface LoadedEngine {
  engine: Suggester;
  runtime: InferenceRuntime;
  manifest: ModelManifest;
  vocabulary: Vocabulary;
}

/**
 * A model directory ready to suggest: its runtime (onnxruntime-node by default) behind the completion
 * policy. The policy's defaults come from the model's manifest when training measured better ones; a model
 * whose manifest gives an `ngramWeight` suggests from its distribution interpolated with its trigram's.
 */
export async function loadSuggestionEngine(directory: string, runtimeKind: RuntimeKind = 'onnx', policy: Partial<PolicyOptions> = {}): Promise<LoadedEngine> {
  const manifest = await readManifest(directory);
  const vocabulary = vocabularyOf(directory, manifest);
  const workspace = await workspaceMemoryOf(directory, manifest);
  const { ngramWeight, ...measured } = manifest.policy ?? {};
  const ngram = ngramWeight === undefined ? undefined : await interpolatedTrigram(directory, manifest, vocabulary, ngramWeight);
  const runtime = await createRuntime(runtimeKind, directory);
  const model = new RuntimePredictor(runtime);
  const predictor: Predictor<unknown> = ngram && ngramWeight !== undefined ? new MixturePredictor(model, ngram, ngramWeight) : model;
  const options = { ...DEFAULT_POLICY, ...measured, ...policy };
  return { engine: new SuggestionEngine(predictor, vocabulary, options, workspace), runtime, manifest, vocabulary };
}

/**
 * What a fine-tuned model remembers of its workspace: its strings (the `recall` file) and its phrases (the
 * `phrases` file); a model without them has none.
 */
export async function workspaceMemoryOf(directory: string, manifest: ModelManifest): Promise<{ recall?: WorkspaceRecall; phrases?: PhraseMemory }> {
  return {
    recall: await storedFile(directory, manifest, 'recall', WorkspaceRecall.deserialize),
    phrases: await storedFile(directory, manifest, 'phrases', PhraseMemory.deserialize),
  };
}

async function storedFile<T>(directory: string, manifest: ModelManifest, role: string, parse: (bytes: Uint8Array) => T): Promise<T | undefined> {
  const entry = manifest.files[role];
  if (!entry) return undefined;
  const bytes = await readVerifiedFile(directory, entry, role);
  try {
    return parse(bytes);
  } catch (error) {
    throw new ModelFormatError(directory, (error as Error).message);
  }
}

/** The Kneser-Ney baseline stored with a model, suggesting through the same policy. */
export async function loadBaselineEngine(directory: string, manifest: ModelManifest, policy: PolicyOptions): Promise<Suggester> {
  const trigram = await trigramOf(directory, manifest);
  const vocabulary = vocabularyOf(directory, manifest);
  return new SuggestionEngine(new KneserNeyPredictor(trigram, vocabulary.eosId), vocabulary, policy, await workspaceMemoryOf(directory, manifest));
}

/** The trigram a model's suggestions are interpolated with, checked before any runtime starts. */
async function interpolatedTrigram(directory: string, manifest: ModelManifest, vocabulary: Vocabulary, weight: number): Promise<KneserNeyPredictor> {
  if (!(typeof weight === 'number' && weight > 0 && weight < 1)) throw new ModelFormatError(directory, `its ngramWeight ${String(weight)} is not between 0 and 1`);
  const trigram = await trigramOf(directory, manifest);
  if (trigram.vocabSize !== vocabulary.size) throw new ModelFormatError(directory, `its trigram has ${trigram.vocabSize} words, its vocabulary ${vocabulary.size}`);
  return new KneserNeyPredictor(trigram, vocabulary.eosId);
}

async function trigramOf(directory: string, manifest: ModelManifest): Promise<KneserNeyTrigram> {
  const entry = manifest.files.baseline;
  if (!entry) throw new ModelFormatError(directory, 'it holds no Kneser-Ney baseline (retrain it with this version)');
  try {
    return KneserNeyTrigram.deserialize(await readVerifiedFile(directory, entry, 'baseline'));
  } catch (error) {
    if (error instanceof ModelFormatError) throw error;
    throw new ModelFormatError(directory, `bad Kneser-Ney baseline: ${(error as Error).message}`);
  }
}

function vocabularyOf(directory: string, manifest: ModelManifest): Vocabulary {
  try {
    return Vocabulary.fromJSON(manifest.vocabulary);
  } catch (error) {
    throw new ModelFormatError(directory, `bad vocabulary: ${(error as Error).message}`);
  }
}
