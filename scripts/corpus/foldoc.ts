// The dictd text of FOLDOC (dict-foldoc) -> one document per entry. An entry is one or more headword lines at
// column 0 followed by its definition, indented, in blank-line-separated paragraphs.
import { ExtractedDocument, prose } from './paragraph';

export function foldocToDocuments(dict: string): ExtractedDocument[] {
  const documents: ExtractedDocument[] = [];
  let entry: ExtractedDocument | null = null;
  let lines: string[] = [];
  let inBody = false;

  const endParagraph = (): void => {
    if (entry !== null && lines.length > 0) entry.paragraphs.push(prose(cleanDefinition(lines.join(' '))));
    lines = [];
  };

  for (const line of dict.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      endParagraph();
      continue;
    }
    if (/^\S/.test(line)) {
      if (entry === null || inBody) {
        endParagraph();
        entry = { id: line.trim(), paragraphs: [] };
        // The dictionary's own header entries (licence, URL) are metadata, not definitions.
        if (!entry.id.startsWith('00-database')) documents.push(entry);
        inBody = false;
      }
      continue;
    }
    inBody = true;
    lines.push(line.trim());
  }
  endParagraph();
  return documents.filter((d) => d.paragraphs.length > 0);
}

/** {cross-references} to their text; URLs, the sense number and the leading <subject> tag out. */
export function cleanDefinition(text: string): string {
  return text
    .replace(/^(\d+\.\s*)?<[^>]+>\s*/, '')
    .replace(/\s*\((?:https?|ftp|mailto|news):[^)]*\)/g, '')
    .replace(/\s*\{\s*\}/g, '')
    .replace(/\{([^}]*)\}/g, '$1')
    .replace(/\b(?:https?|ftp):\/\/\S+/g, '');
}
