import * as path from 'node:path';
import { KneserNeyTrigram } from '../baseline/kneserNey';
import { typeThrough } from '../evaluation/engineSavings';
import { tuneConfidenceGate } from '../evaluation/gateTuning';
import { codePointLength, TypedText } from '../evaluation/keystrokes';
import { chooseInterpolationWeight, perplexityOf } from '../evaluation/interpolation';
import { measureLanguage } from '../evaluation/languageMeasures';
import { ModelScorer } from '../evaluation/modelScorer';
import { RuntimeKind } from '../inference/runtime';
import { encodeDocument, encodeStream, EncodedDocument, wordCandidates } from '../model/encoding';
import { extendVocabulary } from '../model/extendVocabulary';
import { checkModelTarget, ModelStaging } from '../model/installModel';
import { createKernels, KernelKind } from '../model/kernels/createKernels';
import { Kernels } from '../model/kernels/kernels';
import { LanguageModel } from '../model/languageModel';
import { LoadedModel, loadModel, ModelManifest, readVerifiedFile, saveModel, SaveOptions, TrainingRecord, updateManifest } from '../model/modelFiles';
import { Random } from '../model/random';
import { Vocabulary } from '../model/vocabulary';
import { exportOnnx } from '../onnx/exportOnnx';
import { Suggester } from '../suggestion/engine';
import { loadSuggestionEngine } from '../suggestion/loadEngine';
import { phrasesOf } from '../suggestion/phraseMemory';
import { WorkspaceRecall } from '../suggestion/workspaceRecall';
import { StreamBatcher } from './batcher';
import { averageTowardsStart } from './weightAveraging';
import { chooseNewWords, DEFAULT_NEW_WORD_OPTIONS, NewWord, NewWordOptions } from './newWords';
import { DEFAULT_TRAIN_OPTIONS, StopReason, StreamValidator, train, TrainOptions, ValidationPoint } from './trainer';

/** A workspace file's text; `collectWorkspace`'s documents are these. */
export interface FinetuneDocument {
  path: string;
  text: string;
}

export interface FinetuneSettings {
  /** Wall-clock budget of the training itself, in seconds (measuring before and after comes on top). */
  maxSeconds: number;
  maxEpochs: number;
  /**
   * Below from-scratch training (3e-3): the base weights are a good start that the largest steps would wreck.
   * On the bench:finetune workspace, 2e-3 ended at held-out loss 3.38 where 1e-3 ended at 3.45.
   */
  learningRate: number;
  warmupSteps: number;
  /**
   * Share of the budget at its end over which the rate falls to a tenth: a workspace run is cut by its time
   * budget long before it converges, and ends where the loss settles instead of at the full rate.
   */
  cooldown: number;
  /** Held-out validations without improvement before stopping. */
  patience: number;
  /**
   * Draws of a sampled softmax besides each batch's targets (ClassSampler; 0 = the full softmax): the output
   * layer's products are nine tenths of a step, and a time-budgeted run trains on more of the workspace for it.
   */
  sampledClasses: number;
  validationsPerEpoch: number;
  /** Defaults: what the base model was trained with. */
  batch?: number;
  steps?: number;
  dropout?: number;
  /** Share of the files held out (whole files, at least one). */
  heldOutFraction: number;
  seed: number;
  newWords: NewWordOptions;
  kernels: KernelKind;
  threads: 1 | 2;
  /** Runtime that types the held-out text for keystroke savings: the editor's. */
  runtime: RuntimeKind;
  /** Held-out characters typed through the engine per confidence gate tried and per model. */
  evaluationCharacters: number;
  /** Held-out tokens scored for perplexity per model. */
  evaluationTokens: number;
  /**
   * Shares of the fine-tuned weights tried against the base's (`averageTowardsStart`), besides 1 (the fine-tuned
   * weights alone); the one whose network predicts the most held-out next words (top-1) is kept. On the held-out
   * READMEs of bench:finetune (ad hoc, ksr at gate 0.10): 1 44.06%, 0.8 44.54%, 0.7 44.59%, 0.6 44.45%, 0.5 44.39%;
   * held-out top-1 24.94%, 25.13%, 25.18%, -, 23.72% (perplexity rises from 21.2 to 25.1, 29.9, 47.0: it does not
   * choose as keystrokes do).
   */
  weightShares: readonly number[];
}

export const DEFAULT_FINETUNE_SETTINGS: FinetuneSettings = {
  // Keeps the run within the 180 s of the bench with room for a slower machine: measuring before and after comes on
  // top. More training saves hardly more keystrokes there (bench:finetune: 45 s of training gave ksr 43.94% where 90 s
  // gave 44.06%; on Git's manual pages a run left to converge, 157 s, gave none over 90 s; README, Benchmarks), and
  // the time is better spent typing more held-out text (evaluationCharacters).
  maxSeconds: 75,
  maxEpochs: 10,
  learningRate: 2e-3,
  warmupSteps: 20,
  cooldown: 0.3,
  patience: 2,
  sampledClasses: 1024,
  validationsPerEpoch: 4,
  heldOutFraction: 0.1,
  seed: 1,
  newWords: DEFAULT_NEW_WORD_OPTIONS,
  kernels: 'wasm',
  threads: 2,
  runtime: 'onnx',
  // Twelve windows of 500: the gate and the keep decision rest on them, and eight were a noisy sample (+-1.5 points).
  // Sixteen took 64 s of a 140 s run on Git's manual pages (bench:finetune --docs), too close to 180 s on a slower machine.
  evaluationCharacters: 6_000,
  evaluationTokens: 20_000,
  weightShares: [0.8, 0.7, 0.6],
};

export interface FinetuneOptions extends Partial<FinetuneSettings> {
  /** The model directory to write; written only when the new model is kept, atomically. May equal the base. */
  out: string;
  /**
   * The model to start from when the base cannot be loaded (a workspace's trained model that another version of
   * the extension wrote, or broken files): its architecture's default, which then suggests too.
   */
  fallbackBase?: string;
}

export type FinetunePhase = 'preparing' | 'measuring-before' | 'training' | 'measuring-after' | 'writing';

export interface FinetuneProgress {
  phase: FinetunePhase;
  /** Of the whole run, 0..1, never decreasing. */
  fraction: number;
  /** Training tokens a second (0 outside training). */
  tokensPerSecond: number;
  /** Infinity while unknown (before training starts). */
  etaSeconds: number;
  /** Mean training loss since the last report, nats per token; NaN before the first. */
  trainLoss: number;
  /** The latest held-out loss, nats per token; NaN before the first validation. */
  heldOutLoss: number;
}

export interface FinetuneHooks {
  onProgress?(progress: FinetuneProgress): void;
  /** Every held-out validation (step 0 is the base model with its extended vocabulary): the loss curves. */
  onValidation?(point: ValidationPoint): void;
  /** Human-readable lines about what happens (the CLI prints them on stderr, the extension logs them). */
  onLog?(line: string): void;
  /** Aborting stops the run within a second; nothing is written. */
  signal?: AbortSignal;
}

export interface HeldOutFigures {
  perplexity: number;
  /** Keystroke savings, Tab only and Tab or accept-next-word, at the gate chosen for this model. */
  ksr: number;
  ksrWord: number;
  minConfidence: number;
  /**
   * ksr_word at the best gate of the sweep: the chosen gate may give up to GATE_TOLERANCE of it for fewer
   * suggestions, so engines are compared here, each at its best.
   */
  bestKsrWord: number;
}

export interface FinetuneResult {
  kept: boolean;
  /** Why it was kept or not, in words. */
  decision: string;
  out: string;
  seconds: number;
  trainFiles: string[];
  heldOutFiles: string[];
  newWords: NewWord[];
  before: HeldOutFigures;
  /** The new model as it suggests: interpolated with the workspace's trigram at `ngramWeight` (MixturePredictor). */
  after: HeldOutFigures;
  /** The new model's share of the interpolation, chosen on the held-out files; 1 when the model alone was best. */
  ngramWeight: number;
  /** The share of the fine-tuned weights in the kept network's, against the base's (1: the fine-tuned alone). */
  weightShare: number;
  /** Held-out perplexity of that interpolation (`after.perplexity` is the network's alone, as `before`'s is). */
  interpolatedPerplexity: number;
  /** Held-out measures were taken on this much text. */
  heldOutTokens: number;
  heldOutCharacters: number;
  training: { steps: number; tokens: number; seconds: number; tokensPerSecond: number; stoppedBy: StopReason; history: ValidationPoint[]; sampledClasses: number };
}

/** The workspace gives nothing to learn from; the message says what is missing. */
export class FinetuneInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FinetuneInputError';
  }
}

/** The run was cancelled through its AbortSignal; nothing was written. */
export class FinetuneCancelledError extends Error {
  constructor() {
    super('fine-tuning was cancelled; the previous model is unchanged');
    this.name = 'FinetuneCancelledError';
  }
}

/** Fewer training tokens than this cannot fill even one short stream. */
const MIN_TRAIN_TOKENS = 64;
/** Held-out tokens the trainer validates on: each validation stays about a second on the real model. */
const VALIDATION_TOKENS = 16_000;
/** Perplexity is scored in pieces this long, with a cancellation check between them. */
const SCORE_PIECE_TOKENS = 2_048;

/**
 * Fine-tunes the model in `baseDirectory` on a workspace's documents and writes the result to `options.out`
 * if it is better on the held-out files:
 *  1. whole files are held out (seeded, at least one); the rest are training files;
 *  2. words frequent in the training files and missing from the vocabulary are added (`chooseNewWords`,
 *     `extendVocabulary`);
 *  3. "before" is measured on the held-out files: keystroke savings of the base model as the writer has it,
 *     through the suggestion engine with the runtime the editor uses, at the gate chosen for it on that text;
 *     the perplexity of its network with the extended vocabulary (the same tokens as after);
 *  4. the trainer fine-tunes it at a lower learning rate, validating on the held-out files (early stopping,
 *     best weights kept), and its weights are blended back towards the base's at the share that predicts the
 *     most held-out next words (`chooseWeightShare`, weightAveraging.ts); a Kneser-Ney trigram is counted on the
 *     training files and their phrases are remembered (phraseMemory.ts); the model's weight in their
 *     interpolation (MixturePredictor) is chosen by held-out perplexity; "after" is measured as "before" was: the
 *     savings of the interpolation, at a gate chosen for it the same way, and its network's perplexity;
 *  5. the new model is kept when its network's held-out perplexity is lower and its keystroke savings
 *     (ksr_word, each engine at the best gate of its sweep) are not lower. Then it is written as a full model directory (weights, ONNX export, the trigram, the recall
 *     lexicon, the phrases, the gate and the weight) into a staging directory beside `out` and moved into place so that a
 *     kill at any moment leaves the previous model usable.
 */
export async function finetune(baseDirectory: string, documents: readonly FinetuneDocument[], options: FinetuneOptions, hooks: FinetuneHooks = {}): Promise<FinetuneResult> {
  const settings: FinetuneSettings = { ...DEFAULT_FINETUNE_SETTINGS, ...options };
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const log = (line: string) => hooks.onLog?.(line);
  const signal = hooks.signal;
  const progress = progressReporter(hooks, elapsed);
  const checkCancelled = () => { if (signal?.aborted) throw new FinetuneCancelledError(); };

  const usable = documents.filter((d) => d.text.trim() !== '');
  if (usable.length === 0) throw new FinetuneInputError('the workspace holds no usable text (no prose files, or all were skipped); nothing to learn from');
  if (usable.length < 2) throw new FinetuneInputError('the workspace holds one usable file; fine-tuning needs at least two (one is held out to check the result)');
  const { train: trainDocuments, heldOut: heldOutDocuments } = splitFiles(usable, settings.heldOutFraction, settings.seed);
  const trainTexts = trainDocuments.map((d) => d.text);
  const heldOutTexts = heldOutDocuments.map((d) => d.text);
  progress.report({ phase: 'preparing' });

  await checkModelTarget(options.out); // before minutes of work that could not be written there
  const kernels = await createKernels(settings.kernels, settings.threads);
  const staging = await ModelStaging.create(options.out);
  try {
    const { base, directory: baseUsed } = await loadBase(baseDirectory, options.fallbackBase, kernels, log);
    const baseTokens = encodeStream(trainTexts, base.vocabulary);
    const unknown = baseTokens.reduce((n, id) => n + (id === base.vocabulary.unkId ? 1 : 0), 0);
    const newWords = chooseNewWords(trainTexts, base.vocabulary, settings.newWords);
    const { model, vocabulary } = extendVocabulary(base.model, base.vocabulary, newWords, unknown);
    const start = new Float32Array(model.params.values);
    const trainTokens = encodeStream(trainTexts, vocabulary);
    if (trainTokens.length < MIN_TRAIN_TOKENS) {
      throw new FinetuneInputError(`the workspace's training files hold ${trainTokens.length} tokens; fine-tuning needs at least ${MIN_TRAIN_TOKENS}`);
    }
    const validTokens = encodeStream(heldOutTexts, vocabulary).slice(0, VALIDATION_TOKENS);
    const scored = scoringPieces(heldOutTexts, vocabulary, settings.evaluationTokens);
    const typed = spreadWindows(heldOutTexts, settings.evaluationCharacters);
    log(`workspace: ${trainDocuments.length} training files (${trainTokens.length} tokens), ${heldOutDocuments.length} held out; `
      + `${newWords.length} new words${newWords.length ? ` (${newWords.slice(0, 8).map((w) => w.word).join(', ')}${newWords.length > 8 ? ', ...' : ''})` : ''}`);

    progress.report({ phase: 'measuring-before' });
    const beforeStarted = elapsed();
    const beforeDirectory = staging.path('before');
    await saveModel(beforeDirectory, base.model, base.vocabulary, { training: {}, policy: base.manifest.policy, extraFiles: await suggestionFilesOf(baseUsed, base) });
    const before = {
      perplexity: perplexityOf(await modelLogProbs(model, vocabulary, scored, signal)),
      ...await measureSavings(beforeDirectory, typed, settings.runtime, signal),
    };
    const measuringSeconds = elapsed() - beforeStarted;
    log(`before: perplexity ${before.perplexity.toFixed(2)}, ksr ${percent(before.ksr)}, ksr_word ${percent(before.ksrWord)} (gate ${before.minConfidence})`);

    const trainOptions = fitTrainOptions(settings, base.manifest, trainTokens.length);
    const startPoint = { step: 0, trainLoss: NaN, validLoss: new StreamValidator(model, validTokens).meanLoss() };
    hooks.onValidation?.(startPoint);
    progress.report({ phase: 'training', heldOutLoss: startPoint.validLoss });
    checkCancelled();
    const result = await train(model, trainTokens, validTokens, trainOptions, {
      progressInterval: 0.5,
      isCancelled: () => signal?.aborted === true,
      onProgress: (p) => progress.report({
        phase: 'training', tokensPerSecond: p.tokensPerSecond, trainLoss: p.trainLoss, etaSeconds: p.etaSeconds + measuringSeconds,
      }),
      onValidation: (point) => {
        hooks.onValidation?.(point);
        progress.report({ phase: 'training', heldOutLoss: point.validLoss });
      },
    });
    checkCancelled();
    log(`training stopped (${result.stoppedBy}) after ${result.steps} steps, ${result.seconds.toFixed(1)} s, ${Math.round(result.tokensPerSecond)} tokens/s; `
      + `best held-out loss ${result.bestValidLoss.toFixed(4)}`);

    progress.report({ phase: 'measuring-after', etaSeconds: measuringSeconds });
    const { share: weightShare, top1, logProbs: modelAfter } = await chooseWeightShare(model, start, vocabulary, base.vocabulary.size, scored, settings.weightShares, signal);
    log(`the fine-tuned weights at a share of ${weightShare} against the base's: held-out next-word top-1 ${percent(top1)}`);
    const candidate = staging.path('model');
    const trigram = KneserNeyTrigram.train(trainTexts.map((t) => encodeDocument(t, vocabulary).ids), vocabulary.size, vocabulary.unkId);
    const recall = WorkspaceRecall.fromTexts(trainTexts, vocabulary);
    const phrases = phrasesOf(trainTexts, vocabulary);
    const training = { steps: result.steps, tokens: result.tokens, seconds: result.seconds, tokensPerSecond: result.tokensPerSecond, stoppedBy: result.stoppedBy, history: [startPoint, ...result.history], sampledClasses: trainOptions.sampledClasses };
    const record: TrainingRecord = {
      corpus: { description: 'workspace fine-tuning', files: trainDocuments.length, tokens: trainTokens.length },
      hyperparameters: { ...trainOptions, maxSeconds: String(trainOptions.maxSeconds), newWords: newWords.length, baseWeightsSha256: base.manifest.weights.sha256, weightShare },
      softmax: trainOptions.sampledClasses > 0 ? `sampled (targets + ${trainOptions.sampledClasses} draws)` : 'full',
      seconds: result.seconds,
      tokensPerSecond: result.tokensPerSecond,
      stoppedBy: result.stoppedBy,
      history: training.history,
    };
    const interpolation = chooseInterpolationWeight(modelAfter, trigramLogProbs(trigram, scored));
    log(`interpolated with the workspace trigram at weight ${interpolation.weight} for the model: held-out perplexity ${perplexityOf(modelAfter).toFixed(2)} alone, ${interpolation.perplexity.toFixed(2)} interpolated`);
    const { ngramWeight: _baseWeight, ...basePolicy } = base.manifest.policy ?? {};
    const policy = interpolation.weight < 1 ? { ...basePolicy, ngramWeight: interpolation.weight } : basePolicy;
    await saveModel(candidate, model, vocabulary, {
      training: record,
      policy,
      extraFiles: { onnx: onnxFile(model), baseline: dataFile('baseline', trigram.serialize()), recall: dataFile('recall', recall.serialize()), phrases: dataFile('phrases', phrases.serialize()) },
    });
    // Perplexity compares the networks (a base fine-tuned before interpolates with a trigram of another vocabulary,
    // which cannot score these tokens); keystroke savings compare the engines as the writer has them.
    const after = { perplexity: perplexityOf(modelAfter), ...await measureSavings(candidate, typed, settings.runtime, signal) };
    log(`after: perplexity ${after.perplexity.toFixed(2)}, ksr ${percent(after.ksr)}, ksr_word ${percent(after.ksrWord)} (gate ${after.minConfidence})`);

    const kept = after.perplexity < before.perplexity && after.bestKsrWord >= before.bestKsrWord;
    const savings = `ksr_word at the best gate ${percent(before.bestKsrWord)} -> ${percent(after.bestKsrWord)}`;
    const decision = kept
      ? `kept: held-out perplexity ${before.perplexity.toFixed(2)} -> ${after.perplexity.toFixed(2)}, ${savings}`
      : `not kept (it must lower held-out perplexity and not lower ksr_word at the best gate): perplexity ${before.perplexity.toFixed(2)} -> ${after.perplexity.toFixed(2)}, `
        + `${savings}; ${options.out} is unchanged`;
    log(decision);
    if (kept) {
      checkCancelled();
      progress.report({ phase: 'writing', etaSeconds: 0 });
      await updateManifest(candidate, {
        policy: { ...policy, minConfidence: after.minConfidence },
        training: { ...record, figures: figuresRecord(before, after, interpolation.perplexity, scored.tokens, typed.characters) },
      });
      await staging.install('model');
      log(`model written to ${options.out}`);
    }
    return {
      kept, decision, out: options.out, seconds: elapsed(),
      trainFiles: trainDocuments.map((d) => d.path), heldOutFiles: heldOutDocuments.map((d) => d.path),
      newWords, before, after, weightShare, ngramWeight: interpolation.weight, interpolatedPerplexity: interpolation.perplexity, heldOutTokens: scored.tokens, heldOutCharacters: typed.characters, training,
    };
  } finally {
    kernels.dispose();
    await staging.discard();
  }
}

/** The base model, or the fallback where the base cannot be loaded (said in the log). */
async function loadBase(directory: string, fallback: string | undefined, kernels: Kernels, log: (line: string) => void) {
  try {
    return { base: await loadModel(directory, kernels), directory };
  } catch (error) {
    if (fallback === undefined || path.resolve(fallback) === path.resolve(directory)) throw error;
    log(`cannot load ${directory} (${error instanceof Error ? error.message : String(error)}); fine-tuning ${fallback} instead`);
    return { base: await loadModel(fallback, kernels), directory: fallback };
  }
}

/** Seeded: a shuffle of the files, the first ~fraction of them held out (at least one, and at least one left to train on). */
export function splitFiles<T>(files: readonly T[], fraction: number, seed: number): { train: T[]; heldOut: T[] } {
  const order = files.map((_, i) => i);
  const random = new Random(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const heldOutCount = Math.min(files.length - 1, Math.max(1, Math.round(files.length * fraction)));
  const heldOut = new Set(order.slice(0, heldOutCount));
  return { train: files.filter((_, i) => !heldOut.has(i)), heldOut: files.filter((_, i) => heldOut.has(i)) };
}

/** Characters the writer types in one go, in the middle of a held-out file. */
const WINDOW_CHARACTERS = 500;

/**
 * About `characters` of held-out text to type, as windows of WINDOW_CHARACTERS spread evenly over the files laid
 * end to end, each from the start of the line it falls in (of a line longer than a window, from the word it falls
 * in), each typed with its file's text before it as context: the files' headings and badges weigh no more than
 * their share, and every part of a file counts.
 */
export function spreadWindows(texts: readonly string[], characters: number): { texts: TypedText[]; characters: number } {
  const total = texts.reduce((n, text) => n + text.length, 0);
  const count = Math.max(1, Math.ceil(characters / WINDOW_CHARACTERS));
  const windows: TypedText[] = [];
  let file = 0, fileStart = 0, previousEnd = 0, taken = 0;
  for (let k = 0; k < count && total > 0; k++) {
    const offset = Math.floor(((k + 0.5) * total) / count);
    while (fileStart + texts[file].length <= offset) {
      fileStart += texts[file].length;
      file++;
      previousEnd = 0;
    }
    const text = texts[file];
    const at = offset - fileStart;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const reach = Math.max(lineStart, at - WINDOW_CHARACTERS);
    const wordStart = reach + text.slice(reach, at).search(/\S*$/);
    const from = Math.max(previousEnd, at - lineStart <= WINDOW_CHARACTERS ? lineStart : wordStart);
    const to = Math.min(text.length, from + WINDOW_CHARACTERS);
    if (text.slice(from, to).trim() === '') continue;
    windows.push({ text: text.slice(0, to), from });
    taken += codePointLength(text.slice(from, to));
    previousEnd = to;
  }
  return { texts: windows, characters: taken };
}

interface ScoringPieces {
  documents: EncodedDocument[];
  tokens: number;
}

/** The held-out files encoded, cut into pieces of at most SCORE_PIECE_TOKENS, `tokens` in all. */
function scoringPieces(texts: readonly string[], vocabulary: Vocabulary, tokens: number): ScoringPieces {
  const documents: EncodedDocument[] = [];
  let total = 0;
  for (const text of texts) {
    const { ids, wordBoundary } = encodeDocument(text, vocabulary);
    for (let start = 0; start < ids.length && total < tokens; start += SCORE_PIECE_TOKENS) {
      const end = Math.min(ids.length, start + SCORE_PIECE_TOKENS, start + tokens - total);
      documents.push({ ids: ids.slice(start, end), wordBoundary: wordBoundary.slice(start, end) });
      total += end - start;
    }
  }
  return { documents, tokens: total };
}

/**
 * The files besides the weights that the base suggests with (its recall, its phrases, its trigram when it interpolates), read
 * for a copy of it: "before" is the model as the writer has it.
 */
async function suggestionFilesOf(directory: string, base: LoadedModel): Promise<NonNullable<SaveOptions['extraFiles']>> {
  const files: NonNullable<SaveOptions['extraFiles']> = { onnx: onnxFile(base.model) };
  const copied: DataFileRole[] = base.manifest.policy?.ngramWeight !== undefined ? ['recall', 'phrases', 'baseline'] : ['recall', 'phrases'];
  for (const role of copied) {
    const entry = base.manifest.files[role];
    if (entry) files[role] = dataFile(role, await readVerifiedFile(directory, entry, role));
  }
  return files;
}

/** The data files a workspace model suggests with, by their role in the manifest, and their file extensions. */
const DATA_FILE_EXTENSIONS = { recall: '.json', phrases: '.json', baseline: '.kn3' } as const;
type DataFileRole = keyof typeof DATA_FILE_EXTENSIONS;

function dataFile(role: DataFileRole, data: Uint8Array) {
  return { prefix: role, extension: DATA_FILE_EXTENSIONS[role], data };
}

function onnxFile(model: LanguageModel) {
  return { prefix: 'model', extension: '.onnx', data: exportOnnx(model), derivedFromWeights: true };
}

/** The in-memory model's log-probability of every scored token, a cancellation check between pieces. */
async function modelLogProbs(model: LanguageModel, vocabulary: Vocabulary, scored: ScoringPieces, signal: AbortSignal | undefined): Promise<Float64Array> {
  const scorer = new ModelScorer(model, vocabulary.eosId);
  const logProbs = new Float64Array(scored.tokens);
  let at = 0;
  for (const piece of scored.documents) {
    await turn(signal);
    scorer.score(piece.ids, (p, row) => { logProbs[at++] = row[piece.ids[p]]; });
  }
  return logProbs;
}

/**
 * shared/EVAL.md's next-word accuracy (top-1 at word boundaries) of the network on the scored pieces, and, from the
 * same pass, its log-probability of every scored token (as modelLogProbs gives them).
 */
async function nextWordAccuracy(model: LanguageModel, vocabulary: Vocabulary, scored: ScoringPieces, signal: AbortSignal | undefined): Promise<{ top1: number; logProbs: Float64Array }> {
  const scorer = new ModelScorer(model, vocabulary.eosId);
  const candidates = wordCandidates(vocabulary);
  const logProbs = new Float64Array(scored.tokens);
  let at = 0, right = 0, boundaries = 0;
  const recording = {
    name: scorer.name,
    score: (ids: Int32Array, visit: (position: number, row: Float32Array) => void) => scorer.score(ids, (p, row) => {
      logProbs[at++] = row[ids[p]];
      visit(p, row);
    }),
  };
  for (const piece of scored.documents) {
    await turn(signal);
    const figures = measureLanguage([piece], recording, candidates, vocabulary.unkId);
    right += figures.top1 * figures.wordBoundaries;
    boundaries += figures.wordBoundaries;
  }
  return { top1: right / Math.max(1, boundaries), logProbs };
}

/**
 * Leaves the model at the share of its fine-tuned weights (against `start`, the base's) whose network predicts the
 * most held-out next words: 1 or one of `shares`, the higher share on a tie.
 */
async function chooseWeightShare(model: LanguageModel, start: Float32Array, vocabulary: Vocabulary, baseVocabularySize: number, scored: ScoringPieces,
  shares: readonly number[], signal: AbortSignal | undefined): Promise<{ share: number; top1: number; logProbs: Float64Array }> {
  const trained = new Float32Array(model.params.values);
  let best = { share: 1, ...await nextWordAccuracy(model, vocabulary, scored, signal) };
  for (const share of [...shares].sort((a, b) => b - a)) {
    model.params.values.set(trained);
    averageTowardsStart(model.params, start, share, vocabulary.size, baseVocabularySize);
    const scores = await nextWordAccuracy(model, vocabulary, scored, signal);
    if (scores.top1 > best.top1) best = { share, ...scores };
  }
  model.params.values.set(trained);
  if (best.share < 1) averageTowardsStart(model.params, start, best.share, vocabulary.size, baseVocabularySize);
  return best;
}

/** The trigram's log-probability of every scored token, each piece from the document-start context as the model's. */
function trigramLogProbs(trigram: KneserNeyTrigram, scored: ScoringPieces): Float64Array {
  const logProbs = new Float64Array(scored.tokens);
  let at = 0;
  for (const { ids } of scored.documents) {
    for (let p = 0; p < ids.length; p++) logProbs[at++] = trigram.logProb(p >= 2 ? ids[p - 2] : -1, p >= 1 ? ids[p - 1] : -1, ids[p]);
  }
  return logProbs;
}

/**
 * Keystroke savings through a suggestion engine loaded from `directory` (a model saved with its ONNX export, for
 * the editor's runtime). The gate is chosen for the model on the typed text (`tuneConfidenceGate`) before the
 * savings are measured there: before and after get that same advantage, so the comparison stays fair.
 */
async function measureSavings(directory: string, typed: { texts: TypedText[] }, runtime: RuntimeKind, signal: AbortSignal | undefined): Promise<Omit<HeldOutFigures, 'perplexity'>> {
  const loaded = await loadSuggestionEngine(directory, runtime);
  try {
    const engine = cancellable(loaded.engine, signal);
    const { chosen, rows } = await tuneConfidenceGate(engine, typed.texts);
    engine.options = { ...engine.options, minConfidence: chosen };
    // The sweep typed the text with accept-next-word at every gate it tried: ksr_word at the chosen one is there.
    const ksrWord = rows.find((row) => row.minConfidence === chosen)!.ksr;
    const { ksr } = await typeThrough(engine, typed.texts, false);
    return { ksr, ksrWord, minConfidence: chosen, bestKsrWord: Math.max(...rows.map((row) => row.ksr)) };
  } finally {
    await loaded.runtime.dispose();
  }
}

/** An engine that throws FinetuneCancelledError at its next request once the signal is aborted, and lets the event loop turn. */
function cancellable(engine: Suggester, signal: AbortSignal | undefined): Suggester {
  return {
    suggest: async (request, cancellation) => {
      await turn(signal);
      return engine.suggest(request, cancellation);
    },
    forget: (document) => engine.forget(document),
    get options() { return engine.options; },
    set options(value) { engine.options = value; },
  };
}

let lastTurn = 0;
/** Lets timers and messages (a cancel request) run every 50 ms of synchronous work, then checks the signal. */
async function turn(signal: AbortSignal | undefined): Promise<void> {
  if (performance.now() - lastTurn >= 50) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    lastTurn = performance.now();
  }
  if (signal?.aborted) throw new FinetuneCancelledError();
}

/** The trainer's options for this workspace: batch and BPTT length shrunk to what the text can fill. */
function fitTrainOptions(settings: FinetuneSettings, base: ModelManifest, tokens: number): TrainOptions {
  const trained = base.training.hyperparameters ?? {};
  const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
  const steps = Math.max(2, Math.min(settings.steps ?? numberOr(trained.steps, DEFAULT_TRAIN_OPTIONS.steps), Math.floor((tokens - 1) / 4)));
  const batch = Math.max(1, Math.min(settings.batch ?? numberOr(trained.batch, DEFAULT_TRAIN_OPTIONS.batch), Math.floor((tokens - 1) / (2 * steps))));
  const options: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    batch, steps,
    learningRate: settings.learningRate,
    warmupSteps: settings.warmupSteps,
    cooldown: settings.cooldown,
    patience: settings.patience,
    dropout: settings.dropout ?? numberOr(trained.dropout, DEFAULT_TRAIN_OPTIONS.dropout),
    maxEpochs: settings.maxEpochs,
    maxSeconds: settings.maxSeconds,
    seed: settings.seed,
    sampledClasses: settings.sampledClasses,
  };
  const chunks = new StreamBatcher(new Int32Array(tokens), batch, steps).chunksPerEpoch();
  return { ...options, validateEvery: Math.max(1, Math.floor(chunks / settings.validationsPerEpoch)) };
}

function figuresRecord(before: HeldOutFigures, after: HeldOutFigures, interpolatedPerplexity: number, tokens: number, characters: number): Record<string, number> {
  return {
    heldOutTokens: tokens, heldOutCharacters: characters, interpolatedPerplexity,
    perplexity: after.perplexity, ksr: after.ksr, ksrWord: after.ksrWord,
    perplexityBefore: before.perplexity, ksrBefore: before.ksr, ksrWordBefore: before.ksrWord,
  };
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** Progress with the latest losses carried along, the fraction made monotone. */
function progressReporter(hooks: FinetuneHooks, elapsed: () => number) {
  let fraction = 0, trainLoss = NaN, heldOutLoss = NaN, tokensPerSecond = 0;
  let estimate = { phase: 'preparing' as FinetunePhase, etaSeconds: Infinity, at: 0 };
  return {
    report(p: { phase: FinetunePhase; tokensPerSecond?: number; etaSeconds?: number; trainLoss?: number; heldOutLoss?: number }): void {
      if (p.trainLoss !== undefined) trainLoss = p.trainLoss;
      if (p.heldOutLoss !== undefined) heldOutLoss = p.heldOutLoss;
      if (p.tokensPerSecond !== undefined) tokensPerSecond = p.tokensPerSecond;
      if (p.phase !== 'training') tokensPerSecond = 0;
      const seconds = elapsed();
      // A report without an estimate (a validation) carries the phase's last one forward.
      if (p.etaSeconds !== undefined || p.phase !== estimate.phase) estimate = { phase: p.phase, etaSeconds: p.etaSeconds ?? Infinity, at: seconds };
      const etaSeconds = Math.max(0, estimate.etaSeconds - (seconds - estimate.at));
      if (Number.isFinite(etaSeconds)) fraction = Math.max(fraction, Math.min(1, seconds / Math.max(1e-9, seconds + etaSeconds)));
      hooks.onProgress?.({ phase: p.phase, fraction, tokensPerSecond, etaSeconds, trainLoss, heldOutLoss });
    },
  };
}
