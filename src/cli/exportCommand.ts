import * as path from 'node:path';
import { typescriptKernels } from '../model/kernels/kernels';
import { loadModel, saveModel } from '../model/modelFiles';
import { exportOnnx } from '../onnx/exportOnnx';

export interface ExportCommandOptions {
  model: string;
}

/**
 * `export`: writes the model's ONNX file into its directory (content-addressed, role `onnx` in the manifest),
 * replacing an earlier export. The manifest is rewritten atomically with every other file kept as it is.
 */
export async function runExport(o: ExportCommandOptions): Promise<void> {
  // Exporting only copies parameters: the reference kernels load them without compiling any wasm.
  const { manifest, model, vocabulary } = await loadModel(o.model, typescriptKernels());
  const saved = await saveModel(o.model, model, vocabulary, {
    training: manifest.training,
    keepFiles: manifest.files,
    policy: manifest.policy,
    extraFiles: { onnx: { prefix: 'model', extension: '.onnx', data: exportOnnx(model), derivedFromWeights: true } },
  });
  const onnx = saved.files.onnx;
  process.stdout.write(`${path.join(o.model, onnx.file)} (${(onnx.bytes / 1e6).toFixed(2)} MB)\n`);
}
