import { OnnxRuntime } from './onnxRuntime';
import { InferenceRuntime, RuntimeKind, RuntimeOptions } from './runtime';
import { TypeScriptRuntime } from './typescriptRuntime';

/**
 * The runtime a caller asked for, loaded from a model directory. 'onnx' throws OnnxRuntimeUnavailableError where
 * onnxruntime-node cannot load (the caller then falls back to 'typescript'), and ModelFormatError when the
 * directory's ONNX export is missing, corrupt or does not fit the model.
 */
export async function createRuntime(kind: RuntimeKind, modelDirectory: string, options: RuntimeOptions = {}): Promise<InferenceRuntime> {
  switch (kind) {
    case 'onnx': return OnnxRuntime.load(modelDirectory);
    case 'typescript': return TypeScriptRuntime.load(modelDirectory, options);
    default: throw new Error(`unknown runtime "${String(kind)}" (onnx or typescript)`);
  }
}
