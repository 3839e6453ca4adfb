// Bundles the programs users run: the CLI, the extension and its fine-tuning worker (started by finetuneJob.ts).
// Tests and benchmarks run from tsc's output in out/, which keeps their stack traces and file layout plain.
import * as esbuild from 'esbuild';

const entryPoints = {
  cli: 'src/cli/main.ts',
  extension: 'src/extension.ts',
  finetuneWorker: 'src/training/finetuneWorker.ts',
};

await esbuild.build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // vscode is provided by the editor; onnxruntime-node loads a native binary that a bundler cannot inline.
  external: ['vscode', 'onnxruntime-node'],
  logLevel: 'warning',
});
