/**
 * While the writer types the very characters the ghost text shows, the rest of it is still the answer: it is
 * returned without asking the model again, and the ghost text neither flickers nor changes under the typing.
 */
export class TypedThroughCache {
  private last: { document: string; text: string; suggestion: string } | undefined;

  /** The suggestion shown after `textBeforeCursor` ("" forgets: nothing is shown there). */
  remember(document: string, textBeforeCursor: string, suggestion: string): void {
    this.last = suggestion ? { document, text: textBeforeCursor, suggestion } : undefined;
  }

  /** The rest of the remembered suggestion if `textBeforeCursor` is its text plus a part of it, else undefined. */
  lookup(document: string, textBeforeCursor: string): string | undefined {
    const last = this.last;
    if (!last || last.document !== document) return undefined;
    const typedLength = textBeforeCursor.length - last.text.length;
    if (typedLength < 0 || typedLength >= last.suggestion.length) return undefined;
    if (!textBeforeCursor.endsWith(last.suggestion.slice(0, typedLength)) || !textBeforeCursor.startsWith(last.text)) return undefined;
    return last.suggestion.slice(typedLength);
  }

  clear(): void {
    this.last = undefined;
  }
}
