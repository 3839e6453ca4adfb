// The unit every extractor produces and every later stage (filters, dedupe, split) consumes.

export interface RawParagraph {
  /** Text as extracted; whitespace is collapsed later by normaliseParagraph. */
  text: string;
  /**
   * Share of the characters that were link text (HTML anchors, Markdown links). A list item or paragraph made
   * mostly of links is navigation (tables of contents, "see also" lists), not prose.
   */
  linkShare: number;
}

export interface ExtractedDocument {
  /** Stable id within its source: the file's path inside the package, plus an entry name for dictionaries. */
  id: string;
  paragraphs: RawParagraph[];
}

export function prose(text: string): RawParagraph {
  return { text, linkShare: 0 };
}
