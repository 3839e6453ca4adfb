import { scanTokens } from '../model/tokenizer';
import { Vocabulary } from '../model/vocabulary';
import { decodeVersionedJson, encodeVersionedJson } from '../util/versionedJson';
import { isRecallable, isRecalledClass, prefixRange, RecallSource } from './recall';

/** A string must occur this often in the workspace to be remembered: once is a one-off, and a one-off may be private. */
const MIN_WORKSPACE_COUNT = 2;
const FORMAT = 'smart-compose-recall';
const FORMAT_VERSION = 1;

/**
 * The recalled strings of a workspace (see recall.ts): the URLs, paths, e-mail addresses and rare words of the
 * files a model was fine-tuned on, stored beside it and read by its suggestion engine. Sorted, so the strings
 * that extend a prefix are one binary search away.
 */
export class WorkspaceRecall implements RecallSource {
  private readonly totals = new Map<number, number>();

  private constructor(private readonly texts: readonly string[], private readonly classIds: Uint8Array, private readonly counts: Uint32Array) {
    classIds.forEach((classId, i) => this.totals.set(classId, (this.totals.get(classId) ?? 0) + counts[i]));
  }

  /** From the training texts (secrets already removed), tokenized with the model's vocabulary. */
  static fromTexts(texts: Iterable<string>, vocabulary: Vocabulary): WorkspaceRecall {
    const found = new Map<string, { classId: number; count: number }>();
    for (const text of texts) {
      scanTokens(text, (space, tokenText, kind) => {
        if (tokenText === '') return;
        const id = vocabulary.id({ text: tokenText, space, kind });
        if (!isRecalledClass(id)) return;
        const entry = found.get(tokenText);
        if (entry) entry.count++;
        else found.set(tokenText, { classId: id, count: 1 });
      });
    }
    const kept = [...found].filter(([text, { count }]) => count >= MIN_WORKSPACE_COUNT && isRecallable(text));
    return WorkspaceRecall.fromEntries(kept.map(([text, { classId, count }]) => [text, classId, count]));
  }

  static fromEntries(entries: readonly (readonly [string, number, number])[]): WorkspaceRecall {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return new WorkspaceRecall(sorted.map(([text]) => text), Uint8Array.from(sorted, ([, classId]) => classId), Uint32Array.from(sorted, ([, , count]) => count));
  }

  get size(): number {
    return this.texts.length;
  }

  total(classId: number): number {
    return this.totals.get(classId) ?? 0;
  }

  forEachMatch(prefix: string, visit: (text: string, classId: number, count: number) => void): void {
    const [low, high] = prefixRange(this.texts, prefix);
    for (let i = low; i < high; i++) visit(this.texts[i], this.classIds[i], this.counts[i]);
  }

  serialize(): Uint8Array {
    const entries = this.texts.map((text, i) => [text, this.classIds[i], this.counts[i]]);
    return encodeVersionedJson(FORMAT, FORMAT_VERSION, { entries });
  }

  /** Throws an Error that says what is wrong with bytes that are not a recall file. */
  static deserialize(bytes: Uint8Array): WorkspaceRecall {
    const file = decodeVersionedJson(bytes, FORMAT, FORMAT_VERSION, 'the recall file');
    if (!Array.isArray(file.entries)) throw new Error(`the recall file is not ${FORMAT} version ${FORMAT_VERSION}`);
    const valid = (e: unknown): e is [string, number, number] => Array.isArray(e) && e.length === 3 && typeof e[0] === 'string'
      && isRecalledClass(e[1] as number) && Number.isInteger(e[2]) && (e[2] as number) > 0;
    if (!file.entries.every(valid)) throw new Error('the recall file holds a malformed entry');
    return WorkspaceRecall.fromEntries(file.entries);
  }
}
