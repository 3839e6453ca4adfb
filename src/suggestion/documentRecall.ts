import { isRecallable, isRecalledClass, RecallSource } from './recall';

/**
 * The recalled strings of one document's text before the cursor (see recall.ts), kept current token by token
 * as the document's tokenizer adds and drops tokens: a keystroke costs a map update, not a rescan.
 */
export class DocumentRecall implements RecallSource {
  private readonly counts = new Map<string, { classId: number; count: number }>();
  private readonly totals = new Map<number, number>();

  added(id: number, text: string): void {
    if (!isRecalledClass(id)) return;
    const entry = this.counts.get(text);
    // A string the scrubber would remove is never remembered; the check runs once, when it is first seen.
    if (!entry && !isRecallable(text)) return;
    if (entry) entry.count++;
    else this.counts.set(text, { classId: id, count: 1 });
    this.totals.set(id, (this.totals.get(id) ?? 0) + 1);
  }

  removed(id: number, text: string): void {
    const entry = this.counts.get(text);
    if (!entry || entry.classId !== id) return;
    if (--entry.count === 0) this.counts.delete(text);
    this.totals.set(id, this.totals.get(id)! - 1);
  }

  total(classId: number): number {
    return this.totals.get(classId) ?? 0;
  }

  forEachMatch(prefix: string, visit: (text: string, classId: number, count: number) => void): void {
    for (const [text, { classId, count }] of this.counts) if (text.startsWith(prefix)) visit(text, classId, count);
  }
}
