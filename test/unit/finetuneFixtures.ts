import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeStream } from '../../src/model/encoding';
import { typescriptKernels } from '../../src/model/kernels/kernels';
import { createModel } from '../../src/model/languageModel';
import { saveModel } from '../../src/model/modelFiles';
import { countTokens, Vocabulary } from '../../src/model/vocabulary';
import { exportOnnx } from '../../src/onnx/exportOnnx';
import { FinetuneDocument, FinetuneOptions } from '../../src/training/finetune';
import { DEFAULT_TRAIN_OPTIONS, train } from '../../src/training/trainer';
import { collectWorkspace, DEFAULT_COLLECT_OPTIONS } from '../../src/training/workspaceFiles';

/** General prose for the base model: none of the workspace's own words. */
export const BASE_TEXT = [
  'The team met on Monday to plan the next release of the service.',
  'We wrote the notes in a shared document so that everyone could read them.',
  'Before you start, read the guide and check that the tests pass on your machine.',
  'The build runs the tests and then writes the package to the output folder.',
  'If a step fails, the log says which file was wrong and why.',
  'Please open an issue when you find a bug, and say how to reproduce it.',
].join(' ');

let baseModel: Promise<string> | undefined;

/** A tiny LSTM trained in about a second on general prose, saved with its ONNX export; built once per test run. */
export function tinyBaseModel(): Promise<string> {
  baseModel ??= (async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-base-'));
    const documents = Array.from({ length: 6 }, () => BASE_TEXT);
    const vocabulary = Vocabulary.build(countTokens(documents), { minCount: 1, maxSize: 200 });
    const kernels = typescriptKernels();
    const model = createModel({ cell: 'lstm', vocabSize: vocabulary.size, embeddingSize: 16, hiddenSize: 32, layers: 1, tieWeights: true }, kernels, 1);
    const tokens = encodeStream(documents, vocabulary);
    await train(model, tokens, tokens, { ...DEFAULT_TRAIN_OPTIONS, batch: 4, steps: 16, learningRate: 1e-2, warmupSteps: 5, dropout: 0, maxEpochs: 15, seed: 1 });
    await saveModel(directory, model, vocabulary, {
      training: { hyperparameters: { batch: 4, steps: 16, dropout: 0 } },
      policy: { minConfidence: 0.2 },
      extraFiles: { onnx: { prefix: 'model', extension: '.onnx', data: exportOnnx(model), derivedFromWeights: true } },
    });
    return directory;
  })();
  return baseModel;
}

/** Project notes that keep using their own words (Frobnicator, Quuxbridge) in a few recurring sentences. */
export const WORKSPACE_SENTENCES = [
  'Restart the Frobnicator before you deploy the Quuxbridge to the cluster.',
  'The Frobnicator reads its settings from the Quuxbridge when it starts.',
  'If the Quuxbridge is down, the Frobnicator waits and tries again.',
  'Deploy the Quuxbridge first, then restart the Frobnicator on every node.',
];

/** Writes files of the workspace sentences in varying order to a new folder; returns it. */
export async function writeWorkspace(files: number, extra: Record<string, string> = {}): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-workspace-'));
  for (let f = 0; f < files; f++) {
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(WORKSPACE_SENTENCES[(i * (f + 1) + f) % WORKSPACE_SENTENCES.length]);
    await fs.writeFile(path.join(root, `notes-${f}.md`), `# Notes ${f}\n\n${lines.join(' ')}\n`);
  }
  for (const [name, text] of Object.entries(extra)) await fs.writeFile(path.join(root, name), text);
  return root;
}

/** Settings that keep each fine-tuning run to a second or two on the tiny model. */
export const QUICK: Omit<FinetuneOptions, 'out'> = {
  kernels: 'typescript', threads: 1, maxSeconds: 1.5, maxEpochs: 40, learningRate: 1e-2, warmupSteps: 5, patience: 3,
  evaluationCharacters: 400, heldOutFraction: 0.2,
};

/** The workspace's documents through the real collector (prose only, secrets scrubbed). */
export async function documentsOf(root: string): Promise<FinetuneDocument[]> {
  return (await collectWorkspace([root], DEFAULT_COLLECT_OPTIONS)).documents;
}

/** Every file of a directory with its bytes, for "nothing changed" checks. */
export async function snapshot(directory: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await fs.readdir(directory)).sort()) files[name] = (await fs.readFile(path.join(directory, name))).toString('base64');
  return files;
}
