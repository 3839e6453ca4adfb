import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { typescriptKernels } from '../model/kernels/typescriptKernels';
import { loadModel, MANIFEST_FILE, readManifest, readVerifiedFile, saveModel } from '../model/modelFiles';
import { exportOnnx } from '../onnx/exportOnnx';
import { EXPORT_FORMAT_VERSION } from '../onnx/graphInterface';
import { sha256 } from '../util/atomicWrite';

/**
 * A model directory that holds an ONNX export of `directory`'s model: `directory` itself when its manifest names
 * one, else a copy under `cacheRoot` with the export added, made once and reused while the manifest stays the same.
 *
 * The .vsix ships the default models without their ONNX export (weights and export are each ~7 MB a model, and the
 * .vsix has a 25 MB bar of which onnxruntime takes 17.5), so onnxruntime-node's export is made from the weights at
 * the first load, by the same exporter as training's. Copies of earlier manifests of the same model are removed.
 */
export async function directoryWithOnnx(directory: string, cacheRoot: string): Promise<string> {
  const manifestBytes = await fs.readFile(path.join(directory, MANIFEST_FILE)).catch(() => undefined);
  // Unreadable manifests are left to the loader, which says what is wrong with them.
  if (!manifestBytes) return directory;
  const manifest = await readManifest(directory);
  if (manifest.files.onnx) return directory;

  const name = path.basename(directory);
  // The exporter's version is in the key: an extension update with a new graph exports again.
  const cached = path.join(cacheRoot, `${name}-${sha256(manifestBytes).slice(0, 16)}-onnx${EXPORT_FORMAT_VERSION}`);
  if (await holdsVerifiedOnnx(cached)) return cached;
  await fs.rm(cached, { recursive: true, force: true });

  await fs.mkdir(cacheRoot, { recursive: true });
  // Built beside the cache entry and renamed into place, so that another window exporting the same model at the
  // same moment, or a crash, never leaves a half-written entry.
  const building = path.join(cacheRoot, `.${name}-${randomBytes(6).toString('hex')}.building`);
  try {
    const { model, vocabulary } = await loadModel(directory, typescriptKernels());
    await saveModel(building, model, vocabulary, {
      training: manifest.training,
      policy: manifest.policy,
      keepFiles: manifest.files,
      extraFiles: { onnx: { prefix: 'model', extension: '.onnx', data: exportOnnx(model), derivedFromWeights: true } },
    });
    await fs.rename(building, cached).catch(async (error: NodeJS.ErrnoException) => {
      // Another window finished first: its entry is as good as this one.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await fs.rm(building, { recursive: true, force: true });
  }
  await removeOtherEntries(cacheRoot, name, path.basename(cached));
  return cached;
}

async function holdsVerifiedOnnx(directory: string): Promise<boolean> {
  try {
    const entry = (await readManifest(directory)).files.onnx;
    if (!entry) return false;
    await readVerifiedFile(directory, entry, 'onnx');
    return true;
  } catch {
    return false;
  }
}

async function removeOtherEntries(cacheRoot: string, name: string, keep: string): Promise<void> {
  // Entries of earlier exporters too (no -onnxN suffix, or another N).
  const entry = new RegExp(`^${name.replace(/[^\w]/g, '\\$&')}-[0-9a-f]{16}(-onnx\\d+)?$`);
  for (const other of await fs.readdir(cacheRoot)) {
    if (other !== keep && entry.test(other)) await fs.rm(path.join(cacheRoot, other), { recursive: true, force: true });
  }
}
