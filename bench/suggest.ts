/**
 * npm run bench:suggest -- --model DIR --text FILE [--json] [--chars N]
 *
 * Types the text one character at a time through the suggestion engine exactly as the extension does
 * (incremental tokenizer, state cache, completion policy, gate), once with onnxruntime-node and once with
 * the TypeScript runtime (wasm kernels), timing every request. Then a typing storm: keystrokes 10 ms apart
 * through the async API, each cancelling the previous request, as the editor does. Last line with --json:
 *   {"ort": {"p50_ms":..,"p95_ms":..,"p99_ms":..}, "ts": {...}, "calls_per_keystroke": .., "storm": {...}}
 */
import { promises as fs } from 'node:fs';
import { Command, Option } from 'commander';
import { InferenceRuntime, RuntimeKind } from '../src/inference/runtime';
import { loadSuggestionEngine } from '../src/suggestion/loadEngine';

interface Percentiles { p50_ms: number; p95_ms: number; p99_ms: number; mean_ms: number; max_ms: number }

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (x: number) => Number(x.toFixed(3));
  return { p50_ms: round(at(0.5)), p95_ms: round(at(0.95)), p99_ms: round(at(0.99)), mean_ms: round(sorted.reduce((a, b) => a + b, 0) / sorted.length), max_ms: round(sorted[sorted.length - 1]) };
}

/** Counts the runtime's model calls, to report how many a keystroke costs. */
function countCalls(runtime: InferenceRuntime): { calls: number } {
  const counter = { calls: 0 };
  const run = runtime.run.bind(runtime);
  runtime.run = (...args) => { counter.calls++; return run(...args); };
  return counter;
}

async function typeThrough(model: string, kind: RuntimeKind, text: string) {
  const { engine, runtime } = await loadSuggestionEngine(model, kind);
  const counter = countCalls(runtime);
  const times: number[] = [];
  let shown = 0;
  try {
    for (let i = 0; i <= text.length; i++) {
      const started = performance.now();
      const suggestion = await engine.suggest({ document: 'bench', textBeforeCursor: text.slice(0, i) });
      times.push(performance.now() - started);
      if (suggestion) shown++;
    }
  } finally {
    await runtime.dispose();
  }
  return { latency: percentiles(times), callsPerKeystroke: counter.calls / times.length, shown, loadMs: runtime.loadMilliseconds };
}

/** Keystrokes every `interval` ms, each cancelling the request before it; measures latency and backlog. */
async function storm(model: string, text: string, keystrokes: number, interval: number) {
  const { engine, runtime } = await loadSuggestionEngine(model, 'onnx');
  const latencies: number[] = [];
  let outstanding = 0, maxOutstanding = 0, answered = 0;
  let previous: { isCancellationRequested: boolean } | undefined;
  const pending: Promise<void>[] = [];
  try {
    for (let i = 1; i <= keystrokes; i++) {
      if (previous) previous.isCancellationRequested = true;
      const token = { isCancellationRequested: false };
      previous = token;
      const started = performance.now();
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      pending.push(engine.suggest({ document: 'storm', textBeforeCursor: text.slice(0, i % text.length) }, token).then((s) => {
        outstanding--;
        latencies.push(performance.now() - started);
        if (s) answered++;
      }));
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
    await Promise.all(pending);
  } finally {
    await runtime.dispose();
  }
  return { keystrokes, interval_ms: interval, ...percentiles(latencies), max_outstanding: maxOutstanding, answered };
}

async function main(): Promise<void> {
  const o = new Command()
    .requiredOption('--model <dir>', 'model directory (with its ONNX export)')
    .requiredOption('--text <file>', 'text to type')
    .option('--chars <n>', 'type at most this many characters of it', Number, 20000)
    .option('--storm <n>', 'keystrokes in the typing storm', Number, 1000)
    .addOption(new Option('--json', 'print the JSON summary line last'))
    .parse(process.argv)
    .opts<{ model: string; text: string; chars: number; storm: number; json?: boolean }>();
  const text = (await fs.readFile(o.text, 'utf8')).slice(0, o.chars);
  const ort = await typeThrough(o.model, 'onnx', text);
  const ts = await typeThrough(o.model, 'typescript', text);
  const stormed = await storm(o.model, text, o.storm, 10);
  const line = (name: string, r: typeof ort) => `${name}: p50 ${r.latency.p50_ms} ms, p95 ${r.latency.p95_ms} ms, p99 ${r.latency.p99_ms} ms, max ${r.latency.max_ms} ms; ${r.callsPerKeystroke.toFixed(2)} model calls a keystroke; ${r.shown} suggestions shown; load ${r.loadMs.toFixed(0)} ms`;
  console.log(`${text.length} keystrokes`);
  console.log(line('onnxruntime-node', ort));
  console.log(line('typescript (wasm)', ts));
  console.log(`ratio ts/ort at p50: ${(ts.latency.p50_ms / ort.latency.p50_ms).toFixed(2)}, at p95: ${(ts.latency.p95_ms / ort.latency.p95_ms).toFixed(2)}`);
  console.log(`storm: ${stormed.keystrokes} keystrokes ${stormed.interval_ms} ms apart: p95 ${stormed.p95_ms} ms, at most ${stormed.max_outstanding} requests outstanding`);
  if (o.json) {
    const { latency: ortLatency } = ort;
    console.log(JSON.stringify({ ort: ortLatency, ts: ts.latency, calls_per_keystroke: Number(ort.callsPerKeystroke.toFixed(3)), storm: stormed }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
