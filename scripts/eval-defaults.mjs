// npm run eval:defaults: the figures of the model card (media/models/README.md). Assembles held-out texts that
// no training source contains, runs `eval --json` (shared/EVAL.md) on each shipped model and text, and checks
// that a user simulated through `suggest --stdio` saves the keystrokes that `eval` says.
//
// Held-out texts (.cache/eval/), each fixed so that a rerun measures the same characters:
//  - docs.md:     READMEs of npm packages pinned by package-lock.json (technical documentation; no Debian
//                 documentation package of the corpus holds them), their prose: without code blocks, badge
//                 lines and tables of contents, which nobody types as prose
//  - commits.txt: this repository's commit messages up to a fixed commit
//  - corpus.txt:  the start of the corpus's own test split (the genres it was trained on), for comparison
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import keystrokes from '../out/src/evaluation/keystrokes.js';

const OUT = join('.cache', 'eval');
const MODELS = ['lstm', 'gru'];
/** The folder holding lstm/ and gru/: media/models unless named (to try the script on other models). */
const MODELS_DIR = process.argv[2] ?? join('media', 'models');
const CHARACTERS = 12_000;
/** The `suggest --stdio` user sends the whole text before the cursor at every keystroke: a shorter stretch. */
const STDIO_CHARACTERS = 3_000;
const DOC_PACKAGES = ['commander', 'protobufjs', 'mocha', 'htmlparser2', 'ignore', 'minimatch'];
const LAST_COMMIT = 'ffee9fb';

function truncate(text, characters) {
  if (text.length <= characters) return text;
  const cut = text.lastIndexOf('\n', characters);
  return text.slice(0, cut > characters / 2 ? cut + 1 : characters);
}

/** A README's prose: fenced code, badge and HTML lines and table-of-contents links left out. */
function readmeProse(markdown) {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*\n/gm, '')
    .split('\n')
    .filter((line) => !/^\s*(\[!\[|<)/.test(line) && !/^\s*[-*] \[[^\]]*\]\(#[^)]*\)\s*$/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

function assembleTexts() {
  mkdirSync(OUT, { recursive: true });
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  const share = Math.floor(CHARACTERS / DOC_PACKAGES.length);
  const readme = (name) => join('node_modules', name, readdirSync(join('node_modules', name)).find((f) => /^readme\.md$/i.test(f)));
  const docs = DOC_PACKAGES.map((name) => truncate(readmeProse(readFileSync(readme(name), 'utf8')), share)).join('\n');
  const commits = execFileSync('git', ['log', '--format=%B', LAST_COMMIT], { encoding: 'utf8' }).replace(/\n{3,}/g, '\n\n');
  const corpus = readFileSync(join('.cache', 'corpus', 'test.txt'), 'utf8').split(/\n?^\f$\n?/m).join('\n\n');
  const texts = {
    docs: { file: 'docs.md', text: truncate(docs, CHARACTERS), what: `READMEs of ${DOC_PACKAGES.map((n) => `${n}@${lock.packages[`node_modules/${n}`].version}`).join(', ')}` },
    commits: { file: 'commits.txt', text: truncate(commits, CHARACTERS), what: `this repository's commit messages up to ${LAST_COMMIT}` },
    corpus: { file: 'corpus.txt', text: truncate(corpus, CHARACTERS), what: 'the start of the corpus test split (.cache/corpus/test.txt)' },
  };
  for (const t of Object.values(texts)) {
    writeFileSync(join(OUT, t.file), t.text);
    writeFileSync(join(OUT, `short-${t.file}`), truncate(t.text, STDIO_CHARACTERS));
  }
  return texts;
}

function evalJson(model, file) {
  const out = execFileSync(process.execPath, ['dist/cli.js', 'eval', '--model', model, '--text', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Keystroke savings (Tab only) of a user who sees what `suggest --stdio` answers at every keystroke. */
async function stdioKsr(model, text) {
  const child = spawn(process.execPath, ['dist/cli.js', 'suggest', '--model', model, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const suggest = async (textBeforeCursor) => {
    child.stdin.write(JSON.stringify({ text: textBeforeCursor }) + '\n');
    const { value, done } = await answers.next();
    if (done) throw new Error('suggest --stdio ended early');
    const answer = JSON.parse(value);
    if (typeof answer.suggestion !== 'string') throw new Error(`suggest --stdio: ${value}`);
    return answer.suggestion;
  };
  try {
    return (await keystrokes.keystrokeSavings(text, suggest, false)).ksr;
  } finally {
    child.stdin.end();
  }
}

const percent = (x) => `${(x * 100).toFixed(1)}%`;
const texts = assembleTexts();
const results = {};
const rows = [];
for (const name of MODELS) {
  const model = join(MODELS_DIR, name);
  results[name] = {};
  for (const [key, t] of Object.entries(texts)) {
    const figures = evalJson(model, join(OUT, t.file));
    const short = evalJson(model, join(OUT, `short-${t.file}`));
    const viaStdio = await stdioKsr(model, readFileSync(join(OUT, `short-${t.file}`), 'utf8'));
    results[name][key] = { ...figures, stdio_check: { chars: short.chars, eval_ksr: short.ksr, stdio_ksr: viaStdio } };
    const b = figures.baseline;
    rows.push(`| ${name.toUpperCase()} | ${key} | ${figures.chars} | ${figures.perplexity.toFixed(1)} / ${b.perplexity.toFixed(1)} | ${percent(figures.oov_rate)} | ` +
      `${percent(figures.top1)} / ${percent(b.top1)} | ${percent(figures.top3)} / ${percent(b.top3)} | ${percent(figures.ksr)} / ${percent(b.ksr)} | ` +
      `${percent(figures.ksr_word)} / ${percent(b.ksr_word)} | ${percent(short.ksr)} = ${percent(viaStdio)} |`);
    console.error(`eval:defaults: ${name} on ${t.file} done`);
  }
}
writeFileSync(join(OUT, 'results.json'), JSON.stringify({ texts: Object.fromEntries(Object.entries(texts).map(([k, t]) => [k, t.what])), results }, null, 2) + '\n');
console.log('texts:');
for (const [key, t] of Object.entries(texts)) console.log(`- ${key} (${t.file}): ${t.what}`);
console.log('\n| model | text | chars | perplexity (model / kn3) | OOV | top-1 | top-3 | ksr | ksr_word | stdio check: eval ksr = stdio ksr |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(JSON.stringify(results));
