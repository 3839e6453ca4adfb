/**
 * npm run bench:finetune -- [--base DIR] [--docs DIR] [--words N] [--max-seconds S] [--measure-characters N] [--json]
 *
 * The Train on Workspace figure of issue 6: a workspace of about 200k words of technical documentation in about
 * two hundred Markdown files (the READMEs and docs of the npm packages that package-lock.json pins, copied into
 * .cache/bench-finetune/workspace, the same files on every machine with the same lock), fine-tuned from the
 * shipped LSTM by the very command the extension's worker runs (`finetune`), timed wall clock. The reference is
 * the base model measured on the same held-out files in the same run (the "before" figures).
 *
 * Those are a hundred projects' READMEs: a held-out file shares little with the training files but Markdown and
 * npm. `--docs DIR` takes the workspace from one project's documentation instead (its prose files in name order,
 * e.g. Git's manual pages of Debian's git-doc: `apt-get download git-doc && dpkg -x git-doc_*.deb git-doc`, then
 * `--docs git-doc/usr/share/doc/git-doc`), what a writer's own workspace is more like.
 *
 * The finetune command types 6,000 held-out characters (what fits its time budget); twelve windows of 500 are a
 * noisy sample (eight were about +-1.5 points). After the timed run, the base and the kept model are typed through again on
 * --measure-characters of the same held-out files, each at its stored gate: the figures to judge the gain by.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { typeThrough } from '../src/evaluation/engineSavings';
import { TypedText, wordCompletionAfterOneLetter } from '../src/evaluation/keystrokes';
import { loadSuggestionEngine } from '../src/suggestion/loadEngine';
import { DEFAULT_FINETUNE_SETTINGS, spreadWindows } from '../src/training/finetune';
import { collectWorkspace, DEFAULT_COLLECT_OPTIONS } from '../src/training/workspaceFiles';

const WORKSPACE = path.join('.cache', 'bench-finetune', 'workspace');
const OUT = path.join('.cache', 'bench-finetune', 'model');
const MIN_FILE_WORDS = 150;

async function markdownFiles(directory: string, depth: number): Promise<string[]> {
  const entries = await fs.readdir(directory, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isFile() && /\.md$/i.test(entry.name) && !/^(license|licence|changelog|history|changes|contributing|code_of_conduct|security)/i.test(entry.name)) files.push(full);
    else if (entry.isDirectory() && depth > 0 && (entry.name === 'docs' || entry.name === 'doc')) files.push(...(await markdownFiles(full, depth - 1)));
  }
  return files;
}

/** Documentation of the locked packages, package by package in name order. */
async function lockedPackagesDocs(): Promise<string[]> {
  const lock = JSON.parse(await fs.readFile('package-lock.json', 'utf8')) as { packages: Record<string, unknown> };
  const packages = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/') && !p.slice(13).includes('node_modules/')).sort();
  const files: string[] = [];
  for (const pkg of packages) files.push(...(await markdownFiles(pkg, 1)));
  return files;
}

/** One directory's prose files, in name order. */
async function docsDirectory(directory: string): Promise<string[]> {
  const entries = (await fs.readdir(directory, { withFileTypes: true })).filter((e) => e.isFile() && /\.(md|markdown|txt|rst|adoc)$/i.test(e.name));
  return entries.map((e) => e.name).sort().map((name) => path.join(directory, name));
}

/** Copies the files of at least MIN_FILE_WORDS under `root`, in their order, until `words` is reached. */
async function buildWorkspace(root: string, sources: readonly string[], words: number): Promise<{ files: number; words: number }> {
  await fs.rm(WORKSPACE, { recursive: true, force: true });
  await fs.mkdir(WORKSPACE, { recursive: true });
  let total = 0, files = 0;
  for (const file of sources) {
    const text = await fs.readFile(file, 'utf8');
    const count = text.split(/\s+/).filter(Boolean).length;
    if (count < MIN_FILE_WORDS) continue;
    await fs.writeFile(path.join(WORKSPACE, path.relative(root, file).replace(/[\\/]/g, '__')), text);
    total += count;
    files++;
    if (total >= words) break;
  }
  return { files, words: total };
}

function finetune(base: string, maxSeconds: number): Promise<{ seconds: number; result: Record<string, unknown> }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const args = ['dist/cli.js', 'finetune', '--base', base, '--workspace', WORKSPACE, '--out', OUT, '--max-seconds', String(maxSeconds), '--json'];
    const child = execFile(process.execPath, args, { maxBuffer: 1 << 26 }, (error, stdout) => {
      if (error) return reject(error);
      resolve({ seconds: (performance.now() - started) / 1000, result: JSON.parse(stdout.trim().split('\n').pop()!) });
    });
    child.stderr?.pipe(process.stderr);
  });
}

interface Savings {
  ksr: number;
  ksr_word: number;
  characters: number;
}

/** The held-out files' texts as the finetune command read them (collected, secrets scrubbed). */
async function heldOutTexts(heldOutFiles: readonly string[]): Promise<string[]> {
  const collected = await collectWorkspace([WORKSPACE], DEFAULT_COLLECT_OPTIONS);
  return heldOutFiles.map((file) => collected.documents.find((d) => d.path === file)?.text ?? '').filter((t) => t !== '');
}

/** Keystroke savings of a model directory's engine, at its stored gate, on the held-out windows. */
async function heldOutSavings(directory: string, typed: { texts: TypedText[]; characters: number }): Promise<Savings> {
  const loaded = await loadSuggestionEngine(directory);
  try {
    const tab = await typeThrough(loaded.engine, typed.texts, false);
    const word = await typeThrough(loaded.engine, typed.texts, true);
    return { ksr: tab.ksr, ksr_word: word.ksr, characters: typed.characters };
  } finally {
    await loaded.runtime.dispose();
  }
}

async function main(): Promise<void> {
  const o = new Command()
    .option('--base <dir>', 'model to fine-tune', path.join('media', 'models', 'lstm'))
    .option('--docs <dir>', 'take the workspace from this directory of documentation instead of the locked packages\' READMEs')
    .option('--words <n>', 'words of documentation in the workspace', Number, 200_000)
    .option('--max-seconds <s>', 'training budget given to finetune', Number, DEFAULT_FINETUNE_SETTINGS.maxSeconds)
    .option('--measure-characters <n>', 'held-out characters typed through base and kept model after the run (0: none)', Number, 20_000)
    .option('--json', 'print one JSON line last')
    .parse(process.argv)
    .opts<{ base: string; docs?: string; words: number; maxSeconds: number; measureCharacters: number; json?: boolean }>();
  const workspace = await (o.docs ? buildWorkspace(o.docs, await docsDirectory(o.docs), o.words) : buildWorkspace('node_modules', await lockedPackagesDocs(), o.words));
  process.stderr.write(`bench:finetune: workspace of ${workspace.files} files, ${workspace.words} words in ${WORKSPACE}\n`);
  await fs.rm(OUT, { recursive: true, force: true });
  const { seconds, result } = await finetune(o.base, o.maxSeconds);
  const before = result.before as { ksr: number; ksr_word: number; perplexity: number };
  const after = result.after as { ksr: number; ksr_word: number; perplexity: number };
  const points = (x: number) => (x * 100).toFixed(1);
  process.stdout.write(`fine-tuning ${o.base} on ${workspace.files} files (${workspace.words} words): ${seconds.toFixed(1)} s wall clock, kept: ${String(result.kept)}\n`);
  process.stdout.write(`held-out ksr ${points(before.ksr)}% -> ${points(after.ksr)}% (${points(after.ksr - before.ksr)} points), `
    + `ksr_word ${points(before.ksr_word)}% -> ${points(after.ksr_word)}%, perplexity ${before.perplexity.toFixed(1)} -> ${after.perplexity.toFixed(1)}\n`);
  let larger: { base: Savings; kept: Savings; word_completion_after_one_letter_ksr: number } | undefined;
  if (result.kept === true && o.measureCharacters > 0) {
    const typed = spreadWindows(await heldOutTexts(result.held_out_files as string[]), o.measureCharacters);
    let keystrokes = 0;
    for (const text of typed.texts) keystrokes += (await wordCompletionAfterOneLetter(text)).keystrokes;
    larger = { base: await heldOutSavings(o.base, typed), kept: await heldOutSavings(OUT, typed), word_completion_after_one_letter_ksr: 1 - keystrokes / typed.characters };
    process.stdout.write(`on ${larger.base.characters} held-out characters, each model at its stored gate: ksr ${points(larger.base.ksr)}% -> ${points(larger.kept.ksr)}% `
      + `(${points(larger.kept.ksr - larger.base.ksr)} points), ksr_word ${points(larger.base.ksr_word)}% -> ${points(larger.kept.ksr_word)}% (${points(larger.kept.ksr_word - larger.base.ksr_word)} points); `
      + `every word completed after its first letter and nothing else: ksr ${points(larger.word_completion_after_one_letter_ksr)}%\n`);
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ wall_seconds: Number(seconds.toFixed(1)), files: workspace.files, words: workspace.words, before, after,
      ksr_gain_points: Number(points(after.ksr - before.ksr)), ksr_word_gain_points: Number(points(after.ksr_word - before.ksr_word)),
      ...(larger ? { held_out: larger, held_out_ksr_gain_points: Number(points(larger.kept.ksr - larger.base.ksr)), held_out_ksr_word_gain_points: Number(points(larger.kept.ksr_word - larger.base.ksr_word)) } : {}),
      finetune: result }) + '\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:finetune: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
