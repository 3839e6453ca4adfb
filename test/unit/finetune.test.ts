import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { measureSavings } from '../../src/evaluation/engineSavings';
import { tokenize } from '../../src/model/tokenizer';
import { loadSuggestionEngine, workspaceMemoryOf } from '../../src/suggestion/loadEngine';
import { continuePhrase, PhraseMemory } from '../../src/suggestion/phraseMemory';
import { DEFAULT_FINETUNE_SETTINGS, finetune, FinetuneCancelledError, FinetuneInputError, FinetuneProgress, spreadWindows, splitFiles } from '../../src/training/finetune';
import { Random } from '../../src/model/random';
import { BASE_TEXT, documentsOf, QUICK, snapshot, tinyBaseModel, writeWorkspace } from './finetuneFixtures';

async function newOut(): Promise<string> {
  return path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-out-')), 'model');
}

describe('fine-tuning on a workspace', () => {
  it('learns the workspace\'s new words, suggests them, and keeps a model that is better on held-out files', async () => {
    const base = await tinyBaseModel();
    const link = 'Runbooks live at https://runbooks.quux.example/deploy/cluster for every node.';
    const workspace = await writeWorkspace(5, { 'links.md': `${link}\n\n${link}\n`, 'more-links.md': `${link}\n` });
    const out = await newOut();
    const documents = await documentsOf(workspace);
    const started = performance.now();
    const progress: FinetuneProgress[] = [];
    const result = await finetune(base, documents, { ...QUICK, out }, { onProgress: (p) => progress.push(p) });
    console.log(`      ${((performance.now() - started) / 1000).toFixed(1)} s, ${result.newWords.length} new words; held-out ksr ${result.before.ksr.toFixed(3)} -> ${result.after.ksr.toFixed(3)}, `
      + `ksr_word ${result.before.ksrWord.toFixed(3)} -> ${result.after.ksrWord.toFixed(3)}, perplexity ${result.before.perplexity.toFixed(1)} -> ${result.after.perplexity.toFixed(1)}; `
      + `${result.training.steps} steps (${result.training.stoppedBy})`);
    assert.ok(result.newWords.some((w) => w.word === 'Frobnicator') && result.newWords.some((w) => w.word === 'Quuxbridge'));
    assert.ok(result.kept, result.decision);
    assert.ok(result.after.ksrWord > result.before.ksrWord + 0.05, 'a real gain on the held-out files');
    assert.ok([1, ...DEFAULT_FINETUNE_SETTINGS.weightShares].includes(result.weightShare), `share ${result.weightShare}`);
    assert.ok(result.training.history.length >= 2 && result.training.history[0].step === 0, 'the loss curve starts at the base model');
    assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['preparing', 'measuring-before', 'training', 'measuring-after', 'writing']);
    progress.forEach((p, i) => assert.ok(p.fraction >= (progress[i - 1]?.fraction ?? 0) && p.fraction <= 1, 'the fraction never goes back'));
    assert.ok(progress.some((p) => p.phase === 'training' && p.tokensPerSecond > 0 && Number.isFinite(p.etaSeconds) && Number.isFinite(p.trainLoss)));
    assert.equal(progress.at(-1)!.heldOutLoss, result.training.history.at(-1)!.validLoss);

    const { engine, runtime, manifest } = await loadSuggestionEngine(out);
    try {
      assert.equal(manifest.policy?.minConfidence, result.after.minConfidence, 'the gate measured is the gate stored');
      assert.equal(manifest.training.hyperparameters?.weightShare, result.weightShare, 'the share chosen is recorded');
      // A workspace of repeated sentences is what the trigram counts exactly: interpolating it lowers perplexity.
      assert.ok(result.ngramWeight > 0 && result.ngramWeight < 1, `weight ${result.ngramWeight}`);
      assert.equal(manifest.policy?.ngramWeight, result.ngramWeight, 'the weight chosen is the weight stored');
      assert.ok(manifest.files.onnx && manifest.files.baseline && manifest.files.recall && manifest.files.phrases, 'a full model directory: weights, ONNX export, Kneser-Ney baseline, recall, phrases');
      // The workspace's phrases, continued after a prompt that no file holds as it is.
      const { phrases } = await workspaceMemoryOf(out, manifest);
      const prompt = new PhraseMemory();
      for (const token of tokenize('Note. If the Quuxbridge is down, the')) if (token.text !== '') prompt.pushToken(token.space, token.text);
      assert.equal(continuePhrase(prompt, phrases, ' ', 4)?.text, 'Frobnicator waits and tries again.');
      assert.match(await engine.suggest({ document: 'd', textBeforeCursor: 'Restart the Frob' }), /^nicator\b/);
      // A URL of the workspace's training files, in a document that never held it: the recall file has it.
      assert.equal(await engine.suggest({ document: 'e', textBeforeCursor: 'See https://runbooks.q' }), 'uux.example/deploy/cluster');
      // The figure reported is the written model's own: the held-out text typed again through a fresh engine.
      const heldOut = documents.filter((d) => result.heldOutFiles.includes(d.path)).map((d) => d.text);
      const again = await measureSavings(engine, spreadWindows(heldOut, QUICK.evaluationCharacters!).texts);
      assert.equal(again.ksrWord, result.after.ksrWord);
    } finally {
      await runtime.dispose();
    }
  });

  it('writes nothing when the new model is not better (no training time, and a workspace trigram that cannot help)', async () => {
    const out = await newOut();
    // Training files of the base's words in random order, the held-out file the prose the base model knows: the
    // trigram of the shuffles is no help on it, and untrained weights give the same perplexity as before.
    const random = new Random(7);
    const words = BASE_TEXT.split(' ');
    const documents = Array.from({ length: 5 }, (_, i) => ({ path: `shuffled-${i}.md`, text: Array.from({ length: 120 }, () => words[random.int(words.length)]).join(' ') }));
    for (const i of splitFiles(documents.map((_, i) => i), QUICK.heldOutFraction!, 1).heldOut) documents[i] = { path: `prose-${i}.md`, text: BASE_TEXT };
    const result = await finetune(await tinyBaseModel(), documents, { ...QUICK, maxSeconds: 0, seed: 1, out });
    assert.equal(result.ngramWeight, 1, 'the model alone');
    assert.equal(result.kept, false);
    assert.match(result.decision, /not kept/);
    assert.deepEqual(await fs.readdir(path.dirname(out)), [], 'no model and no staging left');
  });

  it('a trained model that cannot be loaded in place of the base: starts from the fallback, says so, and replaces it', async () => {
    const fallback = await tinyBaseModel();
    const out = await newOut();
    await fs.cp(fallback, out, { recursive: true });
    await fs.writeFile(path.join(out, 'model.json'), '{"format": "from another version"');
    const documents = await documentsOf(await writeWorkspace(5));
    await assert.rejects(finetune(out, documents, { ...QUICK, out }), /model\.json/, 'without a fallback: the load error');
    const logged: string[] = [];
    const result = await finetune(out, documents, { ...QUICK, out, fallbackBase: fallback }, { onLog: (line) => logged.push(line) });
    assert.ok(logged.some((line) => line.startsWith(`cannot load ${out} (`) && line.endsWith(`; fine-tuning ${fallback} instead`)), logged.join('\n'));
    assert.ok(result.kept, result.decision);
    await loadSuggestionEngine(out, 'typescript');
  });

  it('cancelled mid-training: stops within a second, writes nothing, and leaves the previous model intact', async () => {
    const base = await tinyBaseModel();
    const out = await newOut();
    await fs.cp(base, out, { recursive: true });
    const before = await snapshot(out);
    const controller = new AbortController();
    let validations = 0, abortedAt = 0;
    const run = finetune(base, await documentsOf(await writeWorkspace(5)), { ...QUICK, maxSeconds: 30, patience: 1000, out }, {
      signal: controller.signal,
      onValidation: () => {
        if (++validations === 3) { abortedAt = performance.now(); controller.abort(); }
      },
    });
    await assert.rejects(run, FinetuneCancelledError);
    const stopMs = performance.now() - abortedAt;
    console.log(`      stopped ${stopMs.toFixed(0)} ms after the abort`);
    assert.ok(abortedAt > 0 && stopMs < 1000);
    assert.deepEqual(await snapshot(out), before);
    assert.deepEqual(await fs.readdir(path.dirname(out)), ['model'], 'no staging left');
  });

  it('an empty workspace, or one with a single usable file, ends with a clear error and no model', async () => {
    const base = await tinyBaseModel();
    const out = await newOut();
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-empty-'));
    await fs.writeFile(path.join(empty, '.env'), 'API_TOKEN=abc\n');
    await assert.rejects(finetune(base, await documentsOf(empty), { ...QUICK, out }), (e: Error) => e instanceof FinetuneInputError && /no usable text/.test(e.message));
    await assert.rejects(finetune(base, (await documentsOf(await writeWorkspace(1))), { ...QUICK, out }), /needs at least two/);
    assert.deepEqual(await fs.readdir(path.dirname(out)), []);
  });

  it('the CLI on an empty workspace: a clear message, a non-zero exit code, no model', async () => {
    const out = await newOut();
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-empty-'));
    const cli = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');
    const failure = await promisify(execFile)(process.execPath, [cli, 'finetune', '--base', await tinyBaseModel(), '--workspace', empty, '--out', out, '--json'])
      .then(() => undefined, (error: { code: number; stderr: string; stdout: string }) => error);
    assert.ok(failure, 'the command fails');
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /no usable text in .*no model written/);
    assert.equal(failure.stdout, '');
    await assert.rejects(fs.stat(out));
  });

  it('holds out whole files, seeded, at least one, never all', () => {
    const files = Array.from({ length: 10 }, (_, i) => `f${i}`);
    const a = splitFiles(files, 0.2, 7);
    assert.equal(a.heldOut.length, 2);
    assert.deepEqual([...a.train, ...a.heldOut].sort(), [...files].sort());
    assert.deepEqual(splitFiles(files, 0.2, 7), a);
    assert.notDeepEqual(splitFiles(files, 0.2, 8).heldOut, a.heldOut);
    assert.equal(splitFiles(['x', 'y'], 0.01, 1).heldOut.length, 1);
    assert.equal(splitFiles(['x', 'y'], 0.99, 1).train.length, 1);
  });

  it("types windows spread over the held-out files, each from a line start, with its file's text before it", () => {
    const line = (c: string) => `${c.repeat(99)}\n`;
    const files = [line('a').repeat(20), line('b').repeat(10), line('c').repeat(10)];
    const { texts, characters } = spreadWindows(files, 2_000);
    assert.equal(texts.length, 4);
    const windows = texts.map((t) => (typeof t === 'string' ? { text: t, from: 0 } : t));
    assert.deepEqual(windows.map((w) => w.text[w.from]), ['a', 'a', 'b', 'c'], 'files are sampled by their length');
    for (const w of windows) {
      assert.ok(w.from === 0 || w.text[w.from - 1] === '\n', 'a window starts a line');
      assert.ok(files.some((f) => f.startsWith(w.text)), 'the text before the window is its own file');
    }
    assert.equal(characters, 2_000);
    assert.ok(windows[1].from >= windows[0].text.length, 'windows do not overlap');
  });

  it('places windows in a line longer than a window where they fall, from the word there', () => {
    const paragraph = 'word '.repeat(600);
    const windows = spreadWindows([paragraph], 1_000).texts.map((t) => (typeof t === 'string' ? { text: t, from: 0 } : t));
    assert.deepEqual(windows.map((w) => w.from), [750, 2_250]);
  });
});
