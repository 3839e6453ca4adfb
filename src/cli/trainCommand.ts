import { promises as fs } from 'node:fs';
import { KneserNeyTrigram } from '../baseline/kneserNey';
import { CellType } from '../model/cells';
import { encodeDocument, encodeStream, wordCandidates } from '../model/encoding';
import { createKernels } from '../model/kernels/createKernels';
import { createModel } from '../model/languageModel';
import { checkModelTarget, ModelStaging } from '../model/installModel';
import { loadModel, saveModel, TrainingRecord } from '../model/modelFiles';
import { exportOnnx } from '../onnx/exportOnnx';
import { tuneGate, writeGate } from './tuneCommand';
import { countTokens, Vocabulary } from '../model/vocabulary';
import { KneserNeyScorer } from '../evaluation/kneserNeyScorer';
import { measureLanguage } from '../evaluation/languageMeasures';
import { ModelScorer } from '../evaluation/modelScorer';
import { readCorpus, splitForValidation } from '../training/corpus';
import { DEFAULT_TRAIN_OPTIONS, train, TrainOptions } from '../training/trainer';
import { formatCount, formatDuration } from './progress';

export interface TrainCommandOptions {
  arch: CellType;
  corpus: string[];
  out: string;
  embedding: number;
  hidden: number;
  layers: number;
  tie: boolean;
  vocabSize: number;
  minCount: number;
  batch: number;
  steps: number;
  lr: number;
  dropout: number;
  epochs: number;
  cooldown: number;
  maxSeconds: number;
  validateEvery?: number;
  validFraction: number;
  threads: number;
  kernels: string;
  seed: number;
  tune: boolean;
  /** A model to continue training: its configuration, vocabulary and weights, on the same corpus and seed. */
  init?: string;
}

/**
 * Where the run that made a model stopped, in chunks from the start of the first epoch (its own start step and the
 * step of its best validation: the weights it kept are those, so a continuation starts after the text seen by then).
 */
function continuationStep(previous: TrainingRecord): number {
  const history = previous.history ?? [];
  if (history.length === 0) throw new Error('--init: the model has no training history to continue from');
  const best = history.reduce((a, b) => (b.validLoss < a.validLoss ? b : a));
  return best.step + (previous.hyperparameters?.startStep as number | undefined ?? 0);
}

/** Tokens of held-out text measured for the figures stored with the model (keeps the final report quick). */
const FIGURE_TOKENS = 100_000;
/** Held-out characters typed through the engine for each candidate confidence gate. */
const TUNING_CHARACTERS = 6_000;

export async function runTrain(o: TrainCommandOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(line + '\n');
  await checkModelTarget(o.out);
  const corpus = await readCorpus(o.corpus);
  if (corpus.skipped.length > 0) log(`skipped ${corpus.skipped.length} files: ${corpus.skipped.slice(0, 3).join('; ')}${corpus.skipped.length > 3 ? '; ...' : ''}`);
  const { train: trainTexts, valid: validTexts } = splitForValidation(corpus.documents, o.validFraction, o.seed);
  const kernels = await createKernels(o.kernels, o.threads);
  const initial = o.init === undefined ? undefined : await loadModel(o.init, kernels);
  const vocabulary = initial?.vocabulary ?? Vocabulary.build(countTokens(trainTexts), { minCount: o.minCount, maxSize: o.vocabSize });
  const trainTokens = encodeStream(trainTexts, vocabulary);
  const validTokens = encodeStream(validTexts, vocabulary);
  log(`corpus: ${corpus.files} files, ${corpus.documents.length} documents, ${formatCount(trainTokens.length)} training tokens, `
    + `${formatCount(validTokens.length)} validation tokens, vocabulary ${vocabulary.size}`);

  // The best model so far goes to a directory of its own (continue an interrupted run with --init); the finished
  // model is built beside --out and moved in, so --out holds the previous model until the new one is complete.
  const checkpoint = `${o.out}.checkpoint`;
  const staging = await ModelStaging.create(o.out);
  const built = staging.path('model');
  try {
    const config = initial?.manifest.config
      ?? { cell: o.arch, vocabSize: vocabulary.size, embeddingSize: o.embedding, hiddenSize: o.hidden, layers: o.layers, tieWeights: o.tie };
    const model = initial?.model ?? createModel(config, kernels, o.seed);
    const options: TrainOptions = {
      ...DEFAULT_TRAIN_OPTIONS,
      batch: o.batch, steps: o.steps, learningRate: o.lr, dropout: o.dropout, maxEpochs: o.epochs, cooldown: o.cooldown,
      maxSeconds: o.maxSeconds, validateEvery: o.validateEvery ?? 0, seed: o.seed,
      startStep: initial === undefined ? 0 : continuationStep(initial.manifest.training),
    };
    log(`model: ${config.cell}, ${formatCount(model.params.size)} parameters, kernels ${kernels.description}`
      + (initial === undefined ? '' : `, continuing ${o.init} from step ${options.startStep}`));
    const record = (): TrainingRecord => ({
      corpus: { description: o.corpus.join(', '), files: corpus.files, documents: corpus.documents.length, tokens: trainTokens.length },
      hyperparameters: { ...options, maxSeconds: String(options.maxSeconds), minCount: o.minCount, maxVocabulary: o.vocabSize, validFraction: o.validFraction },
      softmax: 'full',
      continues: initial?.manifest.training,
    });
    const result = await train(model, trainTokens, validTokens, options, {
      onProgress: (p) => log(`epoch ${p.epoch + 1} step ${p.step} | ${(p.fraction * 100).toFixed(1)}% | ${formatCount(p.tokensPerSecond)} tokens/s `
        + `| loss ${p.trainLoss.toFixed(3)} | lr ${p.learningRate.toExponential(1)} | ETA ${formatDuration(p.etaSeconds)}`),
      onBest: async (point) => {
        log(`validation at step ${point.step}: loss ${point.validLoss.toFixed(4)} (perplexity ${Math.exp(point.validLoss).toFixed(1)}), checkpoint saved to ${checkpoint}`);
        await saveModel(checkpoint, model, vocabulary, { training: record() });
      },
    });
    log(`training stopped (${result.stoppedBy}) after ${result.steps} steps, ${formatDuration(result.seconds)}, ${formatCount(result.tokensPerSecond)} tokens/s`);

    const baseline = KneserNeyTrigram.train(trainTexts.map((t) => encodeDocument(t, vocabulary).ids), vocabulary.size, vocabulary.unkId);
    const heldOut = [];
    let measured = 0;
    for (const text of validTexts) {
      if (measured >= FIGURE_TOKENS) break;
      const document = encodeDocument(text, vocabulary);
      heldOut.push(document);
      measured += document.ids.length;
    }
    const candidates = wordCandidates(vocabulary);
    const ours = measureLanguage(heldOut, new ModelScorer(model, vocabulary.eosId), candidates, vocabulary.unkId);
    const theirs = measureLanguage(heldOut, new KneserNeyScorer(baseline), candidates, vocabulary.unkId);
    log(`held-out (${formatCount(ours.tokens)} tokens): perplexity ${ours.perplexity.toFixed(1)} vs kn3 ${theirs.perplexity.toFixed(1)}, `
      + `top-1 ${(ours.top1 * 100).toFixed(1)}% vs ${(theirs.top1 * 100).toFixed(1)}%, top-3 ${(ours.top3 * 100).toFixed(1)}% vs ${(theirs.top3 * 100).toFixed(1)}%`);
    await saveModel(built, model, vocabulary, {
      training: {
        ...record(),
        seconds: result.seconds,
        tokensPerSecond: result.tokensPerSecond,
        stoppedBy: result.stoppedBy,
        history: result.history,
        figures: {
          heldOutTokens: ours.tokens, perplexity: ours.perplexity, oovRate: ours.oovRate, top1: ours.top1, top3: ours.top3,
          baselinePerplexity: theirs.perplexity, baselineTop1: theirs.top1, baselineTop3: theirs.top3,
        },
      },
      extraFiles: {
        baseline: { prefix: 'baseline', extension: '.kn3', data: baseline.serialize() },
        onnx: { prefix: 'model', extension: '.onnx', data: exportOnnx(model), derivedFromWeights: true },
      },
    });
    if (o.tune) {
      const texts = [];
      let characters = 0;
      for (const text of validTexts) {
        if (characters >= TUNING_CHARACTERS) break;
        texts.push(text.slice(0, TUNING_CHARACTERS - characters));
        characters += texts[texts.length - 1].length;
      }
      log(`choosing the confidence gate by keystroke savings on ${formatCount(characters)} held-out characters`);
      await writeGate(built, await tuneGate(built, texts, 'onnx', log));
    }
    await staging.install('model');
    await fs.rm(checkpoint, { recursive: true, force: true });
    log(`model written to ${o.out}`);
  } finally {
    kernels.dispose();
    await staging.discard();
  }
}
