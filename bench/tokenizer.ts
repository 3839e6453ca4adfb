/**
 * Tokenizer throughput on real-world mixed text: the Markdown files shipped in node_modules
 * (prose, code, URLs, paths, numbers), repeated to a training-sized volume.
 * Run: npx tsc -p . && npm run bench:tokenizer
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { partialWordAtCursor, tokenize } from '../src/model/tokenizer';
import { countTokens } from '../src/model/vocabulary';

const TARGET_BYTES = 32 * 1024 * 1024;

function markdownFiles(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) markdownFiles(full, found);
    else if (entry.name.endsWith('.md')) found.push(full);
  }
  return found;
}

function corpus(): string[] {
  const documents = markdownFiles(path.resolve(__dirname, '../../node_modules')).map((file) => fs.readFileSync(file, 'utf8'));
  const bytesPerRound = documents.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const rounds = Math.max(1, Math.ceil(TARGET_BYTES / bytesPerRound));
  return Array.from({ length: rounds }, () => documents).flat();
}

function timed<T>(run: () => T): { result: T; seconds: number } {
  const start = process.hrtime.bigint();
  const result = run();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

const documents = corpus();
const megabytes = documents.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / 1e6;

const tokenized = timed(() => documents.reduce((sum, text) => sum + tokenize(text).length, 0));
const tokensPerSecond = tokenized.result / tokenized.seconds;
console.log(`tokenize:     ${(megabytes / tokenized.seconds).toFixed(1)} MB/s, ${(tokensPerSecond / 1e6).toFixed(2)}M tokens/s (${megabytes.toFixed(1)} MB, ${tokenized.result} tokens)`);

const counted = timed(() => countTokens(documents));
console.log(`countTokens:  ${(megabytes / counted.seconds).toFixed(1)} MB/s (${counted.result.size} distinct keys)`);

// A keystroke in a large document: the cost must not depend on the document's length.
const bigDocument = documents.slice(0, 200).join('\n\n');
const cursors = Array.from({ length: 10_000 }, (_, i) => Math.floor(((i + 1) / 10_000) * bigDocument.length));
const keystrokes = timed(() => cursors.reduce((sum, cursor) => sum + partialWordAtCursor(bigDocument.slice(0, cursor)).prefix.length, 0));
console.log(`partialWordAtCursor: ${((keystrokes.seconds / cursors.length) * 1e6).toFixed(1)} µs per call in a ${(bigDocument.length / 1e6).toFixed(1)} MB document`);
