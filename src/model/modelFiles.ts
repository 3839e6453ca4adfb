import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Kernels } from './kernels/kernels';
import { isCellType } from './cells';
import { ModelConfig, parameterSpecs, validateConfig } from './config';
import { LanguageModel } from './languageModel';
import { Vocabulary } from './vocabulary';
import { fromFloat16, roundToFloat16, toFloat16 } from './float16';
import { sha256, writeFileAtomic } from '../util/atomicWrite';

/**
 * A model directory:
 *   model.json              manifest: format version, architecture, vocabulary, training description and
 *                           figures, and the name, size and SHA-256 of every binary file below
 *   weights-<hash>.bin      parameters, float32 or float16 little-endian, tensors in manifest order
 *   (other files named by the manifest: the baseline n-gram, the ONNX export)
 *
 * Binary files are content-addressed and written before the manifest that names them, and the manifest is
 * replaced atomically, so a crash at any moment leaves the previous consistent model readable.
 */
export const MODEL_FORMAT = 'smart-compose-model';
export const MODEL_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'model.json';

export interface FileEntry {
  /**
   * The file's name in the model directory, or `../<folder>/<name>` for a file that sibling model directories
   * share (the default LSTM and GRU share one Kneser-Ney baseline, as they share corpus and vocabulary).
   */
  file: string;
  bytes: number;
  sha256: string;
  /** For files computed from the weights (the ONNX export): the SHA-256 of the weights they came from. */
  weightsSha256?: string;
}

export type WeightsDtype = 'float32' | 'float16';

export interface WeightsEntry extends FileEntry {
  /** float16 halves the file; the weights are read back into float32, so the math is the same either way. */
  dtype: WeightsDtype;
  tensors: { name: string; shape: number[] }[];
}

/** Free-form description of how the model was made; figures are those measured at the end of training. */
export interface TrainingRecord {
  corpus?: { description: string; files?: number; documents?: number; tokens?: number; sha256?: string };
  hyperparameters?: Record<string, number | string | boolean>;
  /** The softmax used during training ('full', or the approximation used). Evaluation is always full. */
  softmax?: string;
  figures?: Record<string, number>;
  seconds?: number;
  tokensPerSecond?: number;
  stoppedBy?: string;
  history?: { step: number; trainLoss: number; validLoss: number }[];
  /** The record of the run whose model this one continued training (`train --init`), if any. */
  continues?: TrainingRecord;
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  config: ModelConfig;
  vocabulary: string[];
  weights: WeightsEntry;
  /** Further files by role, e.g. { baseline: ..., onnx: ... }. */
  files: Record<string, FileEntry>;
  training: TrainingRecord;
  /**
   * Settings measured best for this model, if any: the completion policy's (e.g. its confidence gate) and
   * `ngramWeight`, the share of the model's own distribution when it suggests interpolated with its Kneser-Ney
   * trigram (a fine-tuned model's is the workspace's; absent: the model alone).
   */
  policy?: Partial<{ firstCandidates: number; beamWidth: number; maxWords: number; minConfidence: number; ngramWeight: number }>;
}

export class ModelFormatError extends Error {
  constructor(readonly directory: string, detail: string) {
    super(`cannot load the model in ${directory}: ${detail}`);
    this.name = 'ModelFormatError';
  }
}

export interface LoadedModel {
  manifest: ModelManifest;
  model: LanguageModel;
  vocabulary: Vocabulary;
}

export interface SaveOptions {
  training: TrainingRecord;
  /** Extra binary files by role, written content-addressed beside the weights. */
  extraFiles?: Record<string, { prefix: string; extension: string; data: Uint8Array; derivedFromWeights?: boolean }>;
  /**
   * Entries of the previous manifest to keep (e.g. its baseline). One derived from other weights than the
   * ones saved now (a stale ONNX export) is dropped, never kept pointing at the wrong model.
   */
  keepFiles?: Record<string, FileEntry>;
  policy?: ModelManifest['policy'];
  /**
   * How the weights are stored (default float32). float16 rounds the model's own values to what the file holds
   * first, so that what is computed from the model after saving (an ONNX export, figures) matches the file.
   */
  weightsDtype?: WeightsDtype;
}

export async function saveModel(directory: string, model: LanguageModel, vocabulary: Vocabulary, options: SaveOptions): Promise<ModelManifest> {
  await fs.mkdir(directory, { recursive: true });
  const dtype = options.weightsDtype ?? 'float32';
  let weightsBytes: Uint8Array;
  if (dtype === 'float16') {
    roundToFloat16(model.params.values);
    const halves = toFloat16(model.params.values);
    weightsBytes = new Uint8Array(halves.buffer, halves.byteOffset, halves.byteLength);
  } else {
    weightsBytes = new Uint8Array(model.params.values.buffer, model.params.values.byteOffset, model.params.size * 4).slice();
  }
  const weights: WeightsEntry = {
    ...(await writeContentAddressed(directory, 'weights', '.bin', weightsBytes)),
    dtype,
    tensors: model.params.specs.map((s) => ({ name: s.name, shape: [...s.shape] })),
  };
  const files: Record<string, FileEntry> = {};
  for (const [role, entry] of Object.entries(options.keepFiles ?? {})) {
    if (entry.weightsSha256 === undefined || entry.weightsSha256 === weights.sha256) files[role] = entry;
  }
  for (const [role, extra] of Object.entries(options.extraFiles ?? {})) {
    const entry = await writeContentAddressed(directory, extra.prefix, extra.extension, extra.data);
    files[role] = extra.derivedFromWeights ? { ...entry, weightsSha256: weights.sha256 } : entry;
  }
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    config: model.config,
    vocabulary: vocabulary.toJSON(),
    weights,
    files,
    training: options.training,
    ...(options.policy ? { policy: options.policy } : {}),
  };
  await writeFileAtomic(path.join(directory, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');
  await removeUnreferencedFiles(directory, manifest);
  return manifest;
}

/** Replaces parts of a model's manifest (its measured policy, its training record) atomically. */
export async function updateManifest(directory: string, patch: Partial<Pick<ModelManifest, 'policy' | 'training'>>): Promise<ModelManifest> {
  const manifest = { ...(await readManifest(directory)), ...patch };
  await writeFileAtomic(path.join(directory, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

export async function readManifest(directory: string): Promise<ModelManifest> {
  const manifestPath = path.join(directory, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new ModelFormatError(directory, `no ${MANIFEST_FILE} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ModelFormatError(directory, `${MANIFEST_FILE} is not valid JSON (truncated or corrupt)`);
  }
  return validateManifest(directory, raw);
}

export async function loadModel(directory: string, kernels: Kernels): Promise<LoadedModel> {
  const manifest = await readManifest(directory);
  let vocabulary: Vocabulary;
  try {
    vocabulary = Vocabulary.fromJSON(manifest.vocabulary);
  } catch (error) {
    throw new ModelFormatError(directory, `bad vocabulary: ${(error as Error).message}`);
  }
  if (vocabulary.size !== manifest.config.vocabSize) {
    throw new ModelFormatError(directory, `vocabulary has ${vocabulary.size} words but the model expects ${manifest.config.vocabSize}`);
  }
  const bytes = await readVerifiedFile(directory, manifest.weights, 'weights');
  const model = new LanguageModel(manifest.config, kernels);
  const width = manifest.weights.dtype === 'float16' ? 2 : 4;
  if (bytes.length !== model.params.size * width) {
    throw new ModelFormatError(directory, `weights hold ${bytes.length / width} numbers but the architecture needs ${model.params.size}`);
  }
  // A typed-array view needs its offset aligned to the element size; only a misaligned read is copied first.
  const aligned = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
  if (width === 2) fromFloat16(new Uint16Array(aligned.buffer, aligned.byteOffset, model.params.size), model.params.values);
  else model.params.values.set(new Float32Array(aligned.buffer, aligned.byteOffset, model.params.size));
  for (let i = 0; i < model.params.size; i++) {
    if (!Number.isFinite(model.params.values[i])) throw new ModelFormatError(directory, 'weights contain NaN or infinite values');
  }
  return { manifest, model, vocabulary };
}

/** Reads a file named by the manifest and checks its size and checksum. */
export async function readVerifiedFile(directory: string, entry: FileEntry, role: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.join(directory, entry.file));
  } catch (error) {
    throw new ModelFormatError(directory, `its ${role} file ${entry.file} is missing (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (bytes.length !== entry.bytes) {
    throw new ModelFormatError(directory, `its ${role} file ${entry.file} has ${bytes.length} bytes, expected ${entry.bytes} (truncated?)`);
  }
  if (sha256(bytes) !== entry.sha256) {
    throw new ModelFormatError(directory, `its ${role} file ${entry.file} does not match its checksum (corrupt)`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

async function writeContentAddressed(directory: string, prefix: string, extension: string, data: Uint8Array): Promise<FileEntry> {
  const hash = sha256(data);
  const file = `${prefix}-${hash.slice(0, 16)}${extension}`;
  await writeFileAtomic(path.join(directory, file), data);
  return { file, bytes: data.length, sha256: hash };
}

/** Drops binary files of earlier saves that the new manifest no longer names (and stray temp files). */
export async function removeUnreferencedFiles(directory: string, manifest: ModelManifest): Promise<void> {
  const referenced = new Set([MANIFEST_FILE, manifest.weights.file, ...Object.values(manifest.files).map((f) => f.file)]);
  for (const name of await fs.readdir(directory)) {
    const ours = /^(weights|baseline|model|recall|phrases)-[0-9a-f]{16}\.\w+$/.test(name) || /^\..+\.tmp$/.test(name);
    if (ours && !referenced.has(name)) await fs.rm(path.join(directory, name), { force: true });
  }
}

function validateManifest(directory: string, raw: unknown): ModelManifest {
  const fail = (detail: string): never => { throw new ModelFormatError(directory, detail); };
  if (typeof raw !== 'object' || raw === null) fail(`${MANIFEST_FILE} is not an object`);
  const m = raw as Partial<ModelManifest>;
  if (m.format !== MODEL_FORMAT) fail(`${MANIFEST_FILE} is not a Smart Compose model (format "${String(m.format)}")`);
  if (m.formatVersion !== MODEL_FORMAT_VERSION) {
    fail(`format version ${String(m.formatVersion)} is not supported (this version reads ${MODEL_FORMAT_VERSION}); retrain or update the extension`);
  }
  const config = m.config;
  if (typeof config !== 'object' || config === null) return fail('no architecture (config)');
  if (!isCellType(String(config.cell))) fail(`unknown cell type "${String(config.cell)}"`);
  try {
    validateConfig(config);
  } catch (error) {
    fail((error as Error).message);
  }
  if (!Array.isArray(m.vocabulary)) fail('no vocabulary');
  const weights = m.weights;
  if (!weights || !isFileEntry(weights) || (weights.dtype !== 'float32' && weights.dtype !== 'float16') || !Array.isArray(weights.tensors)) fail('no valid weights entry');
  const expected = parameterSpecs(config);
  const actual = weights!.tensors;
  const same = expected.length === actual.length && expected.every((s, i) =>
    actual[i].name === s.name && JSON.stringify(actual[i].shape) === JSON.stringify(s.shape));
  if (!same) fail('the weights\' tensor list does not match the architecture');
  for (const [role, entry] of Object.entries(m.files ?? {})) {
    if (!isFileEntry(entry)) fail(`bad entry for its ${role} file`);
  }
  const policy = m.policy ?? {};
  if (typeof policy !== 'object' || policy === null) fail('policy is not an object');
  // The interpolation's ngramWeight is checked where the trigram is loaded (loadEngine.ts).
  for (const [name, value] of Object.entries(policy)) {
    if (name === 'minConfidence' && !(typeof value === 'number' && value >= 0 && value <= 1)) fail(`policy.minConfidence is ${JSON.stringify(value)}; expected a number from 0 to 1`);
    if (['firstCandidates', 'beamWidth', 'maxWords'].includes(name) && !(Number.isInteger(value) && (value as number) >= 1)) fail(`policy.${name} is ${JSON.stringify(value)}; expected a positive integer`);
  }
  return { ...(m as ModelManifest), files: m.files ?? {}, training: m.training ?? {} };
}

function isFileEntry(x: unknown): x is FileEntry {
  const e = x as FileEntry;
  return typeof e === 'object' && e !== null && typeof e.file === 'string' && /^(\.\.\/[\w-]+\/)?[\w-][\w.-]*$/.test(e.file)
    && Number.isInteger(e.bytes) && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256);
}
