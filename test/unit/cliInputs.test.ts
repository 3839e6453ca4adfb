// The command line with the input a user gets wrong: every case a clear one-line error (exit 1) or a run that
// keeps what was there; the real CLI (out/src/cli/main.js) in a child process.
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BASE_TEXT, snapshot, tinyBaseModel } from './finetuneFixtures';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('command line: bad input', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-cli-')); });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('eval and tune name a text that is missing, a folder, binary, not UTF-8 or empty, and tune --write stores no gate', async () => {
    const model = path.join(dir, 'model');
    await fs.cp(await tinyBaseModel(), model, { recursive: true });
    const manifest = await fs.readFile(path.join(model, 'model.json'), 'utf8');
    await fs.writeFile(path.join(dir, 'binary.txt'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    await fs.writeFile(path.join(dir, 'latin1.txt'), new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x0a]));
    await fs.writeFile(path.join(dir, 'empty.txt'), '\n\n');
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, 'missing.txt'), /missing\.txt: no such file/],
      [dir, /is a folder, not a text file/],
      [path.join(dir, 'binary.txt'), /binary\.txt is binary/],
      [path.join(dir, 'latin1.txt'), /latin1\.txt is not UTF-8 text/],
    ];
    for (const [text, message] of cases) {
      for (const args of [['eval', '--model', model, '--text', text], ['tune', '--model', model, '--text', text, '--write']]) {
        const run = await cli(...args);
        assert.equal(run.code, 1, args.join(' '));
        assert.match(run.stderr, new RegExp(`^error: .*${message.source}\\n$`), args.join(' '));
      }
    }
    assert.match((await cli('eval', '--model', model, '--text', path.join(dir, 'empty.txt'))).stderr, /^error: .*empty\.txt is empty: nothing to measure\n$/);
    assert.match((await cli('tune', '--model', model, '--text', path.join(dir, 'empty.txt'), '--write')).stderr, /^error: .*no text to tune the gate on\n$/);
    assert.equal(await fs.readFile(path.join(model, 'model.json'), 'utf8'), manifest, 'no gate written');
  });

  it('a model whose stored gate is out of range is refused by name', async () => {
    const model = path.join(dir, 'bad-gate');
    await fs.cp(await tinyBaseModel(), model, { recursive: true });
    const manifest = JSON.parse(await fs.readFile(path.join(model, 'model.json'), 'utf8'));
    await fs.writeFile(path.join(model, 'model.json'), JSON.stringify({ ...manifest, policy: { minConfidence: 1.5 } }));
    const run = await cli('suggest', '--model', model, 'The');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /policy\.minConfidence is 1\.5; expected a number from 0 to 1/);
  });

  it('train refuses an --out that is a file or holds other files, before training', async () => {
    const corpus = path.join(dir, 'corpus.txt');
    await fs.writeFile(corpus, `${BASE_TEXT}\n\n`.repeat(20));
    await fs.writeFile(path.join(dir, 'a-file'), 'keep');
    await fs.mkdir(path.join(dir, 'notes'), { recursive: true });
    await fs.writeFile(path.join(dir, 'notes', 'keep.txt'), 'keep');
    for (const [out, message] of [[path.join(dir, 'a-file'), /a-file is a file; choose an empty or model directory/], [path.join(dir, 'notes'), /notes holds files but no model/]] as const) {
      const run = await cli('train', '--corpus', corpus, '--out', out, '--hidden', '8', '--embedding', '8', '--max-seconds', '1', '--no-tune');
      assert.equal(run.code, 1);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /corpus:/, 'nothing was read or trained');
    }
    assert.deepEqual(await fs.readdir(path.join(dir, 'notes')), ['keep.txt']);
  });

  it('train killed mid-run leaves the model at --out as it was, and its best checkpoint beside it', async () => {
    const out = path.join(dir, 'trained');
    await fs.cp(await tinyBaseModel(), out, { recursive: true });
    const before = await snapshot(out);
    const corpus = path.join(dir, 'long-corpus.txt');
    await fs.writeFile(corpus, `${BASE_TEXT}\n\n`.repeat(400));
    const child = spawn(process.execPath, [CLI, 'train', '--corpus', corpus, '--out', out, '--hidden', '16', '--embedding', '8', '--batch', '4', '--steps', '8',
      '--min-count', '1', '--validate-every', '5', '--max-seconds', '60', '--no-tune', '--kernels', 'typescript'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/checkpoint saved/.test(stderr)) resolve();
      });
      child.on('exit', () => reject(new Error(`train ended before a checkpoint: ${stderr}`)));
    });
    // Killed once the checkpoint is whole (its manifest lands last), in the middle of training.
    for (let waited = 0; waited < 10_000 && !(await fs.stat(path.join(`${out}.checkpoint`, 'model.json')).catch(() => undefined)); waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    assert.deepEqual(await snapshot(out), before, '--out unchanged');
    assert.ok((await fs.readdir(`${out}.checkpoint`)).includes('model.json'), stderr);
  });

  it('train on one long paragraph without blank lines still holds out a validation split', async () => {
    const corpus = path.join(dir, 'one-line.txt');
    await fs.writeFile(corpus, `${BASE_TEXT} `.repeat(300));
    const out = path.join(dir, 'from-one-line');
    const run = await cli('train', '--corpus', corpus, '--out', out, '--hidden', '8', '--embedding', '8', '--min-count', '1', '--epochs', '0.1', '--no-tune', '--kernels', 'typescript');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /[1-9][\d,]* validation tokens/);
    assert.ok((await fs.readdir(out)).includes('model.json'));
    assert.deepEqual((await fs.readdir(dir)).filter((name) => name.startsWith('.from-one-line') || name === 'from-one-line.checkpoint'), [], 'no staging or checkpoint left');
  });

  it('suggest --stdio whose reader stops reading ends quietly', async () => {
    const model = await tinyBaseModel();
    const child = spawn(process.execPath, [CLI, 'suggest', '--model', model, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    for (let i = 0; i < 20; i++) child.stdin.write(`${JSON.stringify({ text: `The dog ${i}` })}\n`);
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
