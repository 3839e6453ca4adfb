import * as path from 'node:path';
import { typescriptKernels } from '../model/kernels/kernels';
import { loadModel, saveModel, WeightsDtype } from '../model/modelFiles';
import { exportOnnx } from '../onnx/exportOnnx';
import { roundToFloat16 } from '../model/float16';

export interface ExportCommandOptions {
  model: string;
  /** Rewrite the weights in this precision first (the export then comes from exactly the stored weights). */
  weights?: WeightsDtype;
}

/**
 * `export`: writes the model's ONNX file into its directory (content-addressed, role `onnx` in the manifest),
 * replacing an earlier export. The manifest is rewritten atomically with every other file kept as it is.
 * With `weights`, the weights file is rewritten in that precision before the export.
 */
export async function runExport(o: ExportCommandOptions): Promise<void> {
  // Exporting only copies parameters: the reference kernels load them without compiling any wasm.
  const { manifest, model, vocabulary } = await loadModel(o.model, typescriptKernels());
  const weightsDtype = o.weights ?? manifest.weights.dtype;
  // Rounded here, before exportOnnx below reads the values, so that the ONNX file holds exactly the stored weights.
  if (weightsDtype === 'float16') roundToFloat16(model.params.values);
  const saved = await saveModel(o.model, model, vocabulary, {
    weightsDtype,
    training: manifest.training,
    keepFiles: manifest.files,
    policy: manifest.policy,
    extraFiles: { onnx: { prefix: 'model', extension: '.onnx', data: exportOnnx(model), derivedFromWeights: true } },
  });
  const onnx = saved.files.onnx;
  process.stdout.write(`${path.join(o.model, onnx.file)} (${(onnx.bytes / 1e6).toFixed(2)} MB), weights ${saved.weights.dtype} `
    + `(${(saved.weights.bytes / 1e6).toFixed(2)} MB)\n`);
}
