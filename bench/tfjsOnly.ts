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
import { measureTfjs, REFERENCE_MODEL, trainingStepFlops, type ReferenceModelSpec, type TfjsVariant } from './tfjsReference';

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (!key.startsWith('--')) throw new Error(`unexpected argument ${key}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`missing value for ${key}`);
    args.set(key.slice(2), value);
    i++;
  }
  return args;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function positive(name: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name}: bad number ${value}`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const known = new Set(['arch', 'backend', 'seconds', 'warmup', 'variant', 'threads', 'seed']);
  for (const key of args.keys()) if (!known.has(key)) throw new Error(`unknown option --${key}`);
  const arch = oneOf('arch', args.get('arch') ?? 'lstm', ['lstm', 'gru'] as const);
  const backend = oneOf('backend', args.get('backend') ?? 'wasm', ['wasm', 'cpu'] as const);
  const variant = oneOf('variant', args.get('variant') ?? 'auto', ['auto', 'core', 'layers', 'layers-fit'] as const) as
    | TfjsVariant
    | 'auto';
  const minSeconds = positive('seconds', args.get('seconds') ?? '20', false);
  const warmupSteps = positive('warmup', args.get('warmup') ?? (backend === 'cpu' ? '1' : '3'), true);
  const threadsArg = args.get('threads');
  const wasmThreads = threadsArg === undefined ? undefined : positive('threads', threadsArg, true);
  const seed = positive('seed', args.get('seed') ?? '1234', true);

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
