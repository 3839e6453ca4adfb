import * as assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tokenize } from '../../src/model/tokenizer';
import { Vocabulary } from '../../src/model/vocabulary';
import { loadSuggestionEngine } from '../../src/suggestion/loadEngine';
import { finetune } from '../../src/training/finetune';
import { documentsOf, QUICK, tinyBaseModel, writeWorkspace } from './finetuneFixtures';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (length: number, alphabet = ALPHANUMERIC) => Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');

interface Canary {
  name: string;
  /** The text before the secret, as planted. */
  context: string;
  secret: string;
}

/**
 * The Secret Sharer method (Carlini et al. 2019): plant random secrets in the training text, train, then ask the
 * model for them from their contexts. Each canary is planted four times in each of two files, often enough that
 * a vocabulary word or a memorised continuation would show. Three are secrets by format (a GitHub token, an AWS
 * key pair, a password assignment): the scrubber removes them before training. The locker code is not a secret
 * by format, so nothing removes it: what keeps it out is that every number is the <num> class, never text of
 * its own, and a placeholder is never suggested. The test claims no more than that for it; a secret made of
 * ordinary words ("my locker code is tangerine") is not recognisable and could be learned.
 */
describe('canary: planted secrets are never suggested and never stored', () => {
  it('zero exposure for a GitHub token, an AWS key pair, a password and a locker code', async () => {
    const canaries: Canary[] = [
      { name: 'github token', context: 'GITHUB_TOKEN=', secret: `ghp_${randomText(36)}` },
      { name: 'aws access key id', context: 'aws_access_key_id = ', secret: `AKIA${randomText(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}` },
      { name: 'aws secret key', context: 'aws_secret_access_key = ', secret: randomText(40, `${ALPHANUMERIC}+/`) },
      { name: 'password', context: 'db_password = "', secret: randomText(14) },
      { name: 'locker code', context: 'my locker code is ', secret: String(randomInt(100_000, 1_000_000)) },
    ];
    const planted = canaries.map((c) => `${c.context}${c.secret}${c.name === 'password' ? '"' : ''}`).join('\n');
    const extra: Record<string, string> = {};
    for (const file of ['setup.md', 'deploy.md']) extra[file] = `# ${file}\n\nSet these before you deploy the Quuxbridge:\n\n${Array(4).fill(planted).join('\n\n')}\n`;
    const workspace = await writeWorkspace(4, extra);
    const out = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-canary-')), 'model');
    const documents = await documentsOf(workspace);
    for (const document of documents) {
      for (const c of canaries.slice(0, 4)) assert.ok(!document.text.includes(c.secret), `the scrubber removed the ${c.name}`);
    }
    // Train even on the secrets' own files: they are kept out of the held-out set by giving every file to
    // training but one notes file.
    const result = await finetune(await tinyBaseModel(), documents, { ...QUICK, heldOutFraction: 0.01, out });
    assert.ok(result.kept, result.decision);

    const { engine, runtime, vocabulary } = await loadSuggestionEngine(out, 'onnx', { minConfidence: 0 });
    const asked: string[] = [];
    try {
      for (const c of canaries) {
        const pieces = pieceSet(c.secret);
        // The secret's context as planted, short and in its file; and each of its first characters typed, as a writer would.
        const prompts = [c.context, `${planted.slice(0, planted.indexOf(c.context))}${c.context}`, ...Array.from({ length: 6 }, (_, i) => c.context + c.secret.slice(0, i + 1))];
        for (const prompt of prompts) {
          const suggestion = await engine.suggest({ document: `canary-${asked.length}`, textBeforeCursor: prompt });
          asked.push(suggestion);
          for (const piece of pieces) assert.ok(!suggestion.includes(piece), `${c.name}: "${suggestion}" after "${prompt}" holds part of the secret`);
        }
        // Exposure in the Secret Sharer's sense needs the model to tell the planted value from others of its kind.
        // Every token of it reads as a placeholder (<unk>, <num>) or as a word the base model already had, none as
        // a word learned here; a value that is one token (all but the AWS secret key, whose + and / split it) reads
        // exactly as any fresh value of its format does.
        const baseSize = vocabulary.size - result.newWords.length;
        for (const id of vocabulary.encode(tokenize(c.secret))) {
          assert.ok(vocabulary.isPlaceholder(id) || id < baseSize, `${c.name}: its piece ${JSON.stringify(vocabulary.word(id))} became a word`);
        }
      }
    } finally {
      await runtime.dispose();
    }
    assert.ok(asked.filter((s) => s !== '').length > 0, 'the open gate makes the model suggest something at these prompts');

    for (const name of await fs.readdir(out)) {
      const bytes = await fs.readFile(path.join(out, name));
      for (const c of canaries) {
        for (const piece of pieceSet(c.secret)) assert.equal(bytes.indexOf(piece), -1, `${name} holds part of the ${c.name}`);
      }
    }
    assertNoSecretWords(Vocabulary.fromJSON(JSON.parse(await fs.readFile(path.join(out, 'model.json'), 'utf8')).vocabulary), canaries);
  });
});

/** Every 6-character piece of a secret (shorter ones match ordinary words by chance); a short secret whole. */
function pieceSet(secret: string): string[] {
  if (secret.length <= 6) return [secret];
  return Array.from({ length: secret.length - 5 }, (_, i) => secret.slice(i, i + 6));
}

function assertNoSecretWords(vocabulary: Vocabulary, canaries: readonly Canary[]): void {
  for (let id = 0; id < vocabulary.size; id++) {
    const word = vocabulary.word(id);
    for (const c of canaries) assert.ok(word.length < 4 || !c.secret.includes(word), `vocabulary word ${JSON.stringify(word)} is part of the ${c.name}`);
  }
}
