/**
 * The comments of code files: where code files get suggestions, and the only part of them that training reads.
 * A small scanner knows each common language's line and block comment markers and its string quotes (so "//"
 * inside a string is no comment).
 * It does not parse: nested template strings, heredocs and raw-string prefixes are read as plain strings.
 */
export interface CommentSyntax {
  line: readonly string[];
  block: ReadonlyArray<readonly [open: string, close: string]>;
  /** Quotes that open a string; a string ends at the same quote, or at the line's end unless multiline. */
  quotes: readonly string[];
  /** Quotes whose strings may span lines (JavaScript's template literals, Go's raw strings). */
  multilineQuotes?: readonly string[];
}

const C_LIKE: CommentSyntax = { line: ['//'], block: [['/*', '*/']], quotes: ['"', "'"] };
const JS_LIKE: CommentSyntax = { ...C_LIKE, quotes: ['"', "'", '`'], multilineQuotes: ['`'] };
const HASH: CommentSyntax = { line: ['#'], block: [], quotes: ['"', "'"] };
const MARKUP: CommentSyntax = { line: [], block: [['<!--', '-->']], quotes: [] };

const SYNTAX: Record<string, CommentSyntax> = {
  javascript: JS_LIKE,
  javascriptreact: JS_LIKE,
  typescript: JS_LIKE,
  typescriptreact: JS_LIKE,
  go: { ...C_LIKE, quotes: ['"', "'", '`'], multilineQuotes: ['`'] },
  // A Rust lifetime ('a) has no closing quote, so single quotes are not read as strings there.
  rust: { ...C_LIKE, quotes: ['"'] },
  c: C_LIKE,
  cpp: C_LIKE,
  csharp: C_LIKE,
  java: C_LIKE,
  kotlin: C_LIKE,
  scala: C_LIKE,
  swift: C_LIKE,
  dart: C_LIKE,
  groovy: C_LIKE,
  'objective-c': C_LIKE,
  'objective-cpp': C_LIKE,
  jsonc: C_LIKE,
  php: { ...C_LIKE, line: ['//', '#'] },
  css: { line: [], block: [['/*', '*/']], quotes: ['"', "'"] },
  scss: C_LIKE,
  less: C_LIKE,
  python: HASH,
  shellscript: HASH,
  ruby: HASH,
  perl: HASH,
  r: HASH,
  yaml: HASH,
  toml: HASH,
  makefile: HASH,
  dockerfile: HASH,
  cmake: HASH,
  elixir: HASH,
  julia: HASH,
  coffeescript: HASH,
  powershell: { line: ['#'], block: [['<#', '#>']], quotes: ['"', "'"] },
  sql: { line: ['--'], block: [['/*', '*/']], quotes: ["'", '"'] },
  lua: { line: ['--'], block: [['--[[', ']]']], quotes: ['"', "'"] },
  haskell: { line: ['--'], block: [['{-', '-}']], quotes: ['"'] },
  matlab: { line: ['%'], block: [], quotes: ['"'] },
  erlang: { line: ['%'], block: [], quotes: ['"'] },
  clojure: { line: [';'], block: [], quotes: ['"'] },
  lisp: { line: [';'], block: [], quotes: ['"'] },
  scheme: { line: [';'], block: [], quotes: ['"'] },
  ini: { line: [';', '#'], block: [], quotes: [] },
  properties: { line: ['#', '!'], block: [], quotes: [] },
  vb: { line: ["'"], block: [], quotes: ['"'] },
  html: MARKUP,
  xml: MARKUP,
  svg: MARKUP,
};

export function commentSyntaxOf(languageId: string): CommentSyntax | undefined {
  return Object.hasOwn(SYNTAX, languageId) ? SYNTAX[languageId] : undefined;
}

/** A comment in a text: `start`..`end` includes its markers, `body`..`bodyEnd` is what they enclose. */
export interface CommentSpan {
  kind: 'line' | 'block';
  start: number;
  body: number;
  bodyEnd: number;
  end: number;
  /** False when the text ends inside the comment (no newline after a line comment, no block close). */
  closed: boolean;
}

/** The comments of `text` in order, skipping markers inside strings. */
export function* commentsOf(text: string, syntax: CommentSyntax): Generator<CommentSpan> {
  // Block markers first: Lua's "--[[" must win over its line marker "--".
  const openers: Array<{ marker: string; kind: 'block' | 'line' | 'quote'; close: string }> = [
    ...syntax.block.map(([open, close]) => ({ marker: open, kind: 'block' as const, close })),
    ...syntax.line.map((marker) => ({ marker, kind: 'line' as const, close: '\n' })),
    ...syntax.quotes.map((quote) => ({ marker: quote, kind: 'quote' as const, close: quote })),
  ];
  // Most characters start no marker; checking the first character keeps the scan near one pass over the text.
  const firsts = new Set(openers.map((o) => o.marker[0]));
  let i = 0;
  while (i < text.length) {
    if (!firsts.has(text[i])) { i++; continue; }
    const opener = openers.find((o) => text.startsWith(o.marker, i));
    if (!opener) { i++; continue; }
    const from = i + opener.marker.length;
    if (opener.kind === 'quote') {
      i = endOfString(text, from, opener.close, syntax.multilineQuotes?.includes(opener.close) ?? false);
      continue;
    }
    const close = text.indexOf(opener.close, from);
    if (close < 0) {
      yield { kind: opener.kind, start: i, body: from, bodyEnd: text.length, end: text.length, closed: false };
      return;
    }
    const end = close + opener.close.length;
    yield { kind: opener.kind, start: i, body: from, bodyEnd: close, end, closed: true };
    i = end;
  }
}

/** Whether the end of `text` (the document up to the cursor) lies inside a comment. */
export function endsInsideComment(text: string, syntax: CommentSyntax): boolean {
  for (const comment of commentsOf(text, syntax)) if (!comment.closed) return true;
  return false;
}

/** The index after a string that starts at `from` (after its opening quote); backslash escapes the next character. */
function endOfString(text: string, from: number, quote: string, multiline: boolean): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === quote) return i + 1;
    else if (c === '\n' && !multiline) return i + 1;
  }
  return text.length;
}
