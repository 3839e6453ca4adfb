// Markdown -> prose paragraphs, line by line: the documentation here is CommonMark-like READMEs and guides, for
// which block structure (fences, tables, lists, quotes, headings) is visible at the start of each line.
import { RawParagraph } from './paragraph';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TABLE_ROW = /^\s*\|.*\|\s*$|^\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$/;
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*\S+/;
const HEADING = /^ {0,3}#{1,6}\s+/;
const LIST_ITEM = /^\s*([-*+]|\d+[.)])\s+/;
const QUOTE = /^\s*>\s?/;
const SETEXT_RULE = /^ {0,3}(=+|-+|\*{3,}|_{3,})\s*$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };
const HTML_BLOCK = /^\s*<\/?[a-zA-Z!][^>]*>\s*$/;

export function markdownToParagraphs(markdown: string): RawParagraph[] {
  const lines = stripFrontMatter(markdown.replace(/\r\n?/g, '\n'))
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n');
  const paragraphs: RawParagraph[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  let quoted = false;

  const flush = (): void => {
    if (current.length > 0) paragraphs.push(inline(current.join(' ')));
    current = [];
  };

  for (const line of lines) {
    if (fence !== null) {
      if (line.trimStart().startsWith(fence)) fence = null;
      continue;
    }
    const open = FENCE.exec(line);
    if (open !== null) {
      flush();
      fence = open[1];
      continue;
    }
    if (line.trim() === '' || SETEXT_RULE.test(line) || HTML_BLOCK.test(line)) {
      flush();
      quoted = false;
      continue;
    }
    // Indented code, tables and link definitions are not prose; a list item's continuation lines are indented
    // too, but only up to the item's text, so only a 4-space indent right after a blank line counts as code.
    if (TABLE_ROW.test(line) || LINK_DEFINITION.test(line) || (current.length === 0 && /^( {4}|\t)/.test(line))) {
      flush();
      continue;
    }
    // A block quote starts a new paragraph, and so does the first line after one.
    if (QUOTE.test(line) !== quoted) {
      flush();
      quoted = !quoted;
    }
    let text = line.replace(QUOTE, '');
    if (text.trim() === '') {
      flush();
      continue;
    }
    if (HEADING.test(text)) {
      flush();
      current.push(text.replace(HEADING, '').replace(/\s#+\s*$/, ''));
      flush();
      continue;
    }
    if (LIST_ITEM.test(text)) {
      flush();
      text = text.replace(LIST_ITEM, '');
    }
    current.push(text.trim());
  }
  flush();
  return paragraphs;
}

function stripFrontMatter(text: string): string {
  const match = /^(---|\+\+\+)\n[\s\S]*?\n\1\n/.exec(text);
  return match === null ? text : text.slice(match[0].length);
}

/** Inline markup to plain text, measuring how much of it was link text. */
function inline(text: string): RawParagraph {
  let linkChars = 0;
  const out = text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\](\([^)]*\)|\[[^\]]*\])/g, (_, label: string) => {
      linkChars += label.replace(/\s/g, '').length;
      return label;
    })
    .replace(/<https?:[^>]+>/g, '')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|\W)[*_]([^*_\s][^*_]*?)[*_](?=\W|$)/g, '$1$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => ENTITIES[name]);
  const visible = out.replace(/\s/g, '').length;
  return { text: out, linkShare: visible === 0 ? 0 : Math.min(1, linkChars / visible) };
}
