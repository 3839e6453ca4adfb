/**
 * npm run bench:train -- [--json] [--seconds S] [--arch lstm,gru] [--sampled N]
 *
 * Training speed of our engine against TensorFlow.js on the reference model (embedding 128, one layer of
 * 256 units, vocabulary 10,000, full softmax, sequence 32, batch 32, Adam), measured in the same run on the
 * same random token batches' shape. TF.js runs in a child process after ours so the two never share the
 * CPU; both its wasm and cpu backends are measured and the faster is the reference. Last line, with --json:
 *   {"lstm": {"ours": N, "tfjs": N, "ratio": R, ...}, "gru": {...}}
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { wasmKernels } from '../src/model/kernels/kernels';
import { createModel } from '../src/model/languageModel';
import { Network } from '../src/model/network';
import { Random } from '../src/model/random';
import { Adam, clipGradientNorm } from '../src/training/adam';
import { ClassSampler } from '../src/training/classSampler';
import { REFERENCE_MODEL, ReferenceModelSpec, trainingStepFlops } from './tfjsReference';

interface OursMeasurement {
  tokensPerSecond: number;
  gflops: number;
  steps: number;
  seconds: number;
  peakRssMB: number;
  kernels: string;
}

/** Word ids with Zipf's frequencies, P(w) ∝ 1 / (w + 1). */
function zipfTokens(count: number, vocab: number, random: Random): Int32Array {
  const cumulative = new Float64Array(vocab);
  for (let w = 0, sum = 0; w < vocab; w++) cumulative[w] = sum += 1 / (w + 1);
  return Int32Array.from({ length: count }, () => random.weighted(cumulative));
}

async function measureOurs(spec: ReferenceModelSpec, seconds: number, threads: 1 | 2, sampledClasses = 0): Promise<OursMeasurement> {
  const kernels = await wasmKernels({ threads });
  try {
    const model = createModel({ cell: spec.arch, vocabSize: spec.vocab, embeddingSize: spec.embedding, hiddenSize: spec.hidden, layers: 1, tieWeights: false }, kernels, 1);
    const network = new Network(model, { batch: spec.batch, steps: spec.seq, training: true, dropout: 0 });
    const adam = new Adam(kernels, model.params);
    const random = new Random(1234);
    const rows = spec.batch * spec.seq;
    const inputs = zipfTokens(rows, spec.vocab, random);
    const targets = zipfTokens(rows, spec.vocab, random);
    const sampler = sampledClasses > 0 ? new ClassSampler(zipfTokens(100_000, spec.vocab, random), spec.vocab, sampledClasses) : undefined;
    const step = () => {
      model.params.zeroGrads();
      network.forward(inputs, spec.seq, random, sampler?.sample(targets, random));
      network.backward(targets);
      clipGradientNorm(kernels, model.params, 1);
      adam.step(1e-3);
      network.carryState();
    };
    for (let i = 0; i < 3; i++) step();
    let peakRss = process.memoryUsage().rss;
    let steps = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      step();
      steps++;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const elapsed = (performance.now() - started) / 1000;
    return {
      tokensPerSecond: (steps * rows) / elapsed,
      gflops: (steps * trainingStepFlops(spec)) / elapsed / 1e9,
      steps,
      seconds: elapsed,
      peakRssMB: peakRss / 2 ** 20,
      kernels: kernels.description,
    };
  } finally {
    kernels.dispose();
  }
}

interface TfjsResult { backend: string; tokensPerSecond: number; gflops: number; variant?: string; threads?: number }

function measureTfjsInChild(arch: string, backend: 'wasm' | 'cpu', seconds: number): TfjsResult {
  const script = path.join(__dirname, 'tfjsOnly.js');
  const output = execFileSync(process.execPath, [script, '--arch', arch, '--backend', backend, '--seconds', String(seconds)], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
  });
  return JSON.parse(output.trim().split('\n').pop()!) as TfjsResult;
}

async function main(): Promise<void> {
  const options = new Command()
    .option('--json', 'print the JSON summary line last')
    .option('--seconds <s>', 'measuring time per implementation', Number, 20)
    .option('--cpu-seconds <s>', 'measuring time for the (slow) TF.js cpu backend', Number, 8)
    .addOption(new Option('--threads <n>', 'threads for our kernels').choices(['1', '2']).default('2'))
    .option('--arch <list>', 'cells to measure', 'lstm,gru')
    .option('--sampled <n>', 'also measure a sampled softmax with n draws (0: not)', Number, 0)
    .parse(process.argv)
    .opts<{ json?: boolean; seconds: number; cpuSeconds: number; threads: '1' | '2'; arch: string; sampled: number }>();
  const summary: Record<string, unknown> = {};
  for (const arch of options.arch.split(',') as ('lstm' | 'gru')[]) {
    const spec: ReferenceModelSpec = { arch, ...REFERENCE_MODEL };
    const threads = options.threads === '1' ? 1 : 2;
    const ours = await measureOurs(spec, options.seconds, threads);
    const sampled = options.sampled > 0 ? await measureOurs(spec, options.seconds, threads, options.sampled) : undefined;
    const wasm = measureTfjsInChild(arch, 'wasm', options.seconds);
    const cpu = measureTfjsInChild(arch, 'cpu', options.cpuSeconds);
    const tfjs = wasm.tokensPerSecond >= cpu.tokensPerSecond ? wasm : cpu;
    const ratio = ours.tokensPerSecond / tfjs.tokensPerSecond;
    console.log(`${arch}: ours ${ours.tokensPerSecond.toFixed(0)} tokens/s (${ours.gflops.toFixed(1)} GFLOP/s, ${ours.kernels}, peak RSS ${ours.peakRssMB.toFixed(0)} MB)`);
    console.log(`${arch}: tfjs wasm ${wasm.tokensPerSecond.toFixed(0)} tokens/s (${wasm.gflops.toFixed(1)} GFLOP/s, ${wasm.variant ?? ''} ${wasm.threads ?? ''} threads), cpu ${cpu.tokensPerSecond.toFixed(0)} tokens/s (${cpu.gflops.toFixed(1)} GFLOP/s)`);
    console.log(`${arch}: ratio ${ratio.toFixed(2)} against tfjs ${tfjs.backend}, full softmax both`);
    if (sampled) console.log(`${arch}: ours with a sampled softmax (targets + ${options.sampled} draws) ${sampled.tokensPerSecond.toFixed(0)} tokens/s, ${(sampled.tokensPerSecond / ours.tokensPerSecond).toFixed(2)}x our full softmax`);
    summary[arch] = {
      ours: Math.round(ours.tokensPerSecond), tfjs: Math.round(tfjs.tokensPerSecond), ratio: Number(ratio.toFixed(2)),
      tfjs_backend: tfjs.backend, ours_gflops: Number(ours.gflops.toFixed(1)), tfjs_gflops: Number(tfjs.gflops.toFixed(1)),
      ours_peak_rss_mb: Math.round(ours.peakRssMB),
      ...(sampled ? { ours_sampled: Math.round(sampled.tokensPerSecond), sampled_over_full: Number((sampled.tokensPerSecond / ours.tokensPerSecond).toFixed(2)) } : {}),
    };
  }
  if (options.json) console.log(JSON.stringify(summary));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
