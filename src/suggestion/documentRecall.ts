import { isRecallable, isRecalledClass, RecallSource } from './recall';

/**
 * The recalled strings of one document's text before the cursor (see recall.ts), kept current token by token
 * as the document's tokenizer adds and drops tokens: a keystroke costs a map update, not a rescan.
 */
export class DocumentRecall implements RecallSource {
  /**
   * Every string seen, kept at count 0 when its occurrences are gone: a keystroke rescans the last tokens, dropping
   * and adding them again, and the secret check must not run again each time. Null: the check refused it.
   */
  private readonly counts = new Map<string, { classId: number; count: number } | null>();
  private readonly totals = new Map<number, number>();

  added(id: number, text: string): void {
    if (!isRecalledClass(id)) return;
    let entry = this.counts.get(text);
    if (entry === undefined) {
      entry = isRecallable(text) ? { classId: id, count: 0 } : null;
      this.counts.set(text, entry);
    }
    if (entry === null || entry.classId !== id) return;
    entry.count++;
    this.totals.set(id, (this.totals.get(id) ?? 0) + 1);
  }

  removed(id: number, text: string): void {
    const entry = this.counts.get(text);
    if (!entry || entry.classId !== id || entry.count === 0) return;
    entry.count--;
    this.totals.set(id, this.totals.get(id)! - 1);
  }

  total(classId: number): number {
    return this.totals.get(classId) ?? 0;
  }

  forEachMatch(prefix: string, visit: (text: string, classId: number, count: number) => void): void {
    for (const [text, entry] of this.counts) if (entry && entry.count > 0 && text.startsWith(prefix)) visit(text, entry.classId, entry.count);
  }
}
