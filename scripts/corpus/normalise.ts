// Paragraph normalisation: one line of text per paragraph, in the characters our users type.

const REPLACEMENTS: ReadonlyArray<readonly [RegExp, string]> = [
  // Editors insert ASCII quotes; typographic ones would split "don't" and "don’t" into two vocabulary entries.
  [/[\u2018\u2019\u201a\u201b\u2032]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033]/g, '"'],
  [/\u2026/g, '...'],
  // Permalink marks, soft hyphens, zero-width characters and byte-order marks carry no text.
  [/[\u00b6\u00ad\u200b-\u200d\u2060\ufeff]/g, ''],
  [/\s+/g, ' '],
];

export function normaliseParagraph(text: string): string {
  let out = text.normalize('NFKC');
  for (const [pattern, replacement] of REPLACEMENTS) out = out.replace(pattern, replacement);
  return out.trim();
}

/** Words are what whitespace separates: the unit of every count in the manifest. */
export function countWords(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) n++;
  return n;
}
