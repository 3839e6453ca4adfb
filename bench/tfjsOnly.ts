/**
 * Runs the TF.js reference measurement alone and prints it as one line of JSON on stdout, so that the
 * training benchmark can run TF.js in a child process, one after the other with our engine (both want the
 * CPU). Usage (from tsc output):
 *
 *   node out/bench/tfjsOnly.js --arch lstm --backend wasm --seconds 20
 *     [--warmup 3] [--variant auto|core|layers|layers-fit] [--threads N] [--seed 1234]
 *
 * Output: a TfjsMeasurement plus arch, threads, variant and flopsPerStep.
 */
import { Command, Option } from 'commander';
import { measureTfjs, REFERENCE_MODEL, trainingStepFlops, type ReferenceModelSpec, type TfjsVariant } from './tfjsReference';

async function main(): Promise<void> {
  const o = new Command()
    .addOption(new Option('--arch <cell>').choices(['lstm', 'gru']).default('lstm'))
    .addOption(new Option('--backend <name>').choices(['wasm', 'cpu']).default('wasm'))
    .addOption(new Option('--variant <name>').choices(['auto', 'core', 'layers', 'layers-fit']).default('auto'))
    .option('--seconds <s>', 'measuring time', Number, 20)
    .option('--warmup <steps>', 'untimed steps first (default 3 on wasm, 1 on cpu)', Number)
    .option('--threads <n>', 'XNNPACK threads of the wasm backend', Number)
    .option('--seed <n>', 'seed of weights and batches', Number, 1234)
    .parse(process.argv)
    .opts<{ arch: 'lstm' | 'gru'; backend: 'wasm' | 'cpu'; variant: TfjsVariant | 'auto'; seconds: number; warmup?: number; threads?: number; seed: number }>();
  const { arch, backend, variant, seed } = o;
  const minSeconds = o.seconds;
  const warmupSteps = o.warmup ?? (backend === 'cpu' ? 1 : 3);
  const wasmThreads = o.threads;

  const spec: ReferenceModelSpec = { arch, ...REFERENCE_MODEL };
  const m = await measureTfjs(spec, backend, { warmupSteps, minSeconds, variant, wasmThreads, seed });
  process.stdout.write(JSON.stringify({ arch, ...m, flopsPerStep: trainingStepFlops(spec) }) + '\n');
}

main().then(
  // Exit explicitly: wasm pthread workers and TF.js timers must not keep the process alive.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`tfjsOnly: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
