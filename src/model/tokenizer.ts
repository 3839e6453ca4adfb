/**
 * Word-level, exactly reversible tokenizer for the Smart Compose language model.
 *
 * Why this representation:
 * - The model predicts token *texts* (vocabulary ids); the whitespace between tokens is not part of
 *   the id. Giving every word a spaced and an unspaced variant ("▁the" / "the") would double the
 *   vocabulary for almost no information: in prose the spacing follows from the pair of tokens
 *   (`joinSpacing`). So spacing lives beside the text, in `Token.space`, only to make
 *   `detokenize(tokenize(text)) === text` hold for every string.
 * - Line breaks are tokens of their own ("newline", and "paragraph" for a run containing a blank
 *   line) because where a writer breaks lines is something the model should learn and predict.
 *   Horizontal whitespace never contains a line break, so the two never overlap.
 * - Whitespace after the last token has no token to precede; it is kept in a final token with
 *   empty text (see `isTrailingSpace`), which has no vocabulary id.
 * - Numbers, URLs, e-mail addresses and file paths are single tokens with their own kinds so the
 *   vocabulary can map each kind to one class id instead of growing a row per distinct value;
 *   the surface text stays in the token for exact detokenization.
 * - Han/Kana/Hangul have no spaces to delimit words, so each character is a token; emoji
 *   (including ZWJ sequences, flags, keycaps, skin tones) are one token each.
 * - One left-to-right pass of sticky regular expressions, no per-character string building:
 *   training tokenizes tens of millions of words, and a keystroke must stay far below a millisecond.
 */

export type TokenKind =
  | 'word'
  | 'number'
  | 'punct'
  | 'newline'
  | 'paragraph'
  | 'url'
  | 'path'
  | 'email'
  | 'symbol'
  | 'cjk'
  | 'emoji'
  | 'other';

export interface Token {
  /** The exact source text; empty only for the trailing-whitespace token. */
  text: string;
  /** The exact horizontal whitespace (never a line break) between the previous token and this one. */
  space: string;
  kind: TokenKind;
}

/** Every whitespace character except line breaks: spaces, tabs, NBSP, ideographic space, BOM, \v, \f. */
const SPACE = String.raw`[\s--[\n\r\u2028\u2029]]`;
const BREAK = String.raw`(?:\r\n|[\n\r\u2028\u2029])`;
const CJK = String.raw`[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Bopomofo}\u30FC]`;
/** Letters, marks, digits and underscore outside the CJK scripts: what words and identifiers are made of. */
const WORD_CHAR = String.raw`[[\p{L}\p{M}\p{N}_]--${CJK}]`;
const WORD_LETTER = String.raw`[[\p{L}_]--${CJK}]`;
/** A combining mark cannot start a word: it belongs to the character before it. */
const WORD_START = String.raw`[[\p{L}\p{N}_]--${CJK}]`;
const WORD_SEGMENT = String.raw`${WORD_START}${WORD_CHAR}*(?:['’\-]${WORD_CHAR}+)*`;
const PATH_CHAR = String.raw`[\p{L}\p{M}\p{N}_.@+\-~%]`;
/** A relative path does not start with CJK: unspaced CJK text is split per character before paths are tried. */
const FIRST_PATH_CHAR = String.raw`[[\p{L}\p{M}\p{N}_.@+\-~%]--${CJK}]`;
const URL_CHAR = String.raw`[^\s<>"\`\(\)\[\]]`;
const URL_PARENTHESES = String.raw`\(${URL_CHAR}*\)`;
/** Sentence punctuation directly after a URL or path belongs to the sentence, so neither may end with it. */
const PATH_END = String.raw`(?<![.\-])`;

/**
 * The token alternatives, tried in this order at each position; the first that matches wins, as
 * in a regular-expression alternation. The order makes the more specific reading win: a URL
 * before the word its scheme looks like, a keycap emoji before the digit it starts with, an
 * abbreviation ("e.g.") before a dotted name ("e.g").
 *
 * They are separate sticky expressions rather than one alternation with a capture group per kind
 * because `test` allocates nothing, while `exec` builds a match array with every group: the
 * alternation ran at about 14 MB/s, most of it spent on that array; this runs at over 30 MB/s.
 * The 'v' flag (for class subtraction and emoji sequences) is set at run time: the compile
 * target (ES2022) predates it.
 */
const sticky = (pattern: string): RegExp => new RegExp(pattern, 'yv');
const MATCHERS: readonly { readonly kind: TokenKind; readonly pattern: RegExp }[] = [
  // Shortcuts for the bulk of prose and Markdown: a plain word, common punctuation and symbols.
  // They admit a match only where no specific alternative below (url, email, path, keycap,
  // abbreviation, dotted name, ellipsis) could start, so they change nothing but speed.
  { kind: 'word', pattern: sticky(String.raw`${WORD_LETTER}${WORD_CHAR}*(?![.@\/\\:+~%'’\-]\S|${WORD_CHAR})`) },
  {
    kind: 'punct',
    pattern: sticky(String.raw`[,;:!?\(\)\[\]\{\}"'&@%]|[*#](?![\uFE0F\u20E3])|\.(?![.\/\\@+\-~%]|${WORD_CHAR})`),
  },
  { kind: 'symbol', pattern: sticky(String.raw`[\`=<>\|\^$]`) },
  // A blank (possibly whitespace-only) line between line breaks.
  { kind: 'paragraph', pattern: sticky(`${BREAK}(?:${SPACE}*${BREAK})+`) },
  { kind: 'newline', pattern: sticky(BREAK) },
  // No URL, e-mail, path, number or word starts with a Han/Kana/Hangul character (see
  // FIRST_PATH_CHAR), so this goes first: unspaced CJK text then costs one test per character.
  { kind: 'cjk', pattern: sticky(String.raw`${CJK}\p{M}*`) },
  // Parentheses only in balanced pairs and no brackets, as GitHub's autolinker has it: in Markdown's
  // "[![badge](url1)](url2)" the ")](" ends url1 (else both URLs were one token, and "](h" after url1 was
  // read as url1 still growing, so nothing completed "https://").
  {
    kind: 'url',
    pattern: sticky(
      String.raw`(?:(?:https?|s?ftp|file|ssh|git|wss?|vscode(?:-insiders)?):\/\/|www\d{0,3}\.)(?:${URL_CHAR}|${URL_PARENTHESES})*(?:[\p{L}\p{N}\/_#=&%~+\-@$*]|${URL_PARENTHESES})`,
    ),
  },
  // The local part is bounded (64 is the standard's limit) so that a long run like "a+b+c+..."
  // is not rescanned from every token in it.
  { kind: 'email', pattern: sticky(String.raw`[A-Za-z0-9_.+\-]{1,64}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`) },
  // Absolute or home/dot-relative, Windows drive or UNC, or relative with a letter and either two
  // slashes or a file extension ("src/a.ts", but not "and/or"). The first segment of a relative
  // path is bounded, and cannot start with a combining mark, for the reason the e-mail local part
  // is bounded: otherwise runs of marks or of "a%a%..." are rescanned from every token in them.
  {
    kind: 'path',
    pattern: sticky(
      String.raw`(?<![\p{L}\p{N}_\)\]\/])(?:~|\.\.?)?\/${PATH_CHAR}+(?:\/${PATH_CHAR}+)*\/?${PATH_END}` +
        String.raw`|(?<!${WORD_CHAR})[A-Za-z]:[\\\/](?:${PATH_CHAR}+(?:[\\\/]${PATH_CHAR}+)*[\\\/]?)?${PATH_END}` +
        String.raw`|\\\\${PATH_CHAR}+(?:\\${PATH_CHAR}+)+${PATH_END}` +
        String.raw`|(?!\p{M})(?=[[\p{L}\p{M}\p{N}_.\-]--${CJK}]{0,255}[\p{L}--${CJK}])${FIRST_PATH_CHAR}{1,255}(?:(?:\/${PATH_CHAR}+){2,}\/?|\/(?:${PATH_CHAR}+\/)*${PATH_CHAR}*\.[A-Za-z0-9]{1,8}(?!${PATH_CHAR}))${PATH_END}`,
    ),
  },
  // Keycaps start with an ASCII digit, '#' or '*', so they go before numbers and punctuation.
  { kind: 'emoji', pattern: sticky(String.raw`[#*0-9]\uFE0F?\u20E3`) },
  // Digits with inner separators (3.14, 1,000, 2026-01-15, 12:30, 1/2), unit or ordinal letters
  // glued on (5th, 100px, 0x1F), and "1990's".
  { kind: 'number', pattern: sticky(String.raw`\p{Nd}${WORD_CHAR}*(?:(?:[.,:\/\-'’]\p{Nd}|['’]\p{L})${WORD_CHAR}*)*`) },
  // An abbreviation with its final dot (e.g., U.S.), or a word with inner apostrophes and hyphens,
  // or a dotted name (vscode.window, node.js).
  {
    kind: 'word',
    pattern: sticky(String.raw`(?:[\p{L}--${CJK}]\.){2,}(?!${WORD_CHAR})|${WORD_SEGMENT}(?:\.${WORD_SEGMENT})*`),
  },
  // Recommended emoji sequences, plus pictographs that are not (yet) in this runtime's set.
  {
    kind: 'emoji',
    pattern: sticky(
      // The lookahead first rejects the common case cheaply: a sequence starting with no pictograph.
      String.raw`(?=[\p{Extended_Pictographic}\p{RI}\p{EMod}])(?:\p{RGI_Emoji}|(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}(?=[\uFE0F\u200D\p{EMod}]))(?:[\uFE0F\p{EMod}]|\u200D\p{Extended_Pictographic}\uFE0F?)*)`,
    ),
  },
  // Ellipsis and dash runs stay whole; any other punctuation is one character.
  { kind: 'punct', pattern: sticky(String.raw`\.{2,}|-{2,}|\p{P}`) },
  { kind: 'symbol', pattern: sticky(String.raw`\p{S}`) },
  // Control, format, unassigned, lone surrogate, a mark with nothing to attach to.
  { kind: 'other', pattern: sticky(String.raw`\S`) },
];
const SPACE_RUN = sticky(`${SPACE}+`);

/**
 * Calls `visit` for each token of `text`, in order, without allocating Token objects; both
 * `tokenize` and corpus counting build on it. The trailing-whitespace token is visited last,
 * with empty text, when the text ends in horizontal whitespace.
 */
export function scanTokens(text: string, visit: (space: string, tokenText: string, kind: TokenKind) => void): void {
  const length = text.length;
  let position = 0;
  while (position < length) {
    const spaceStart = position;
    let code = text.charCodeAt(position);
    while (code === 0x20 || code === 0x09) code = text.charCodeAt(++position);
    if (code > 0x7f || code === 0x0b || code === 0x0c) {
      SPACE_RUN.lastIndex = position;
      if (SPACE_RUN.test(text)) position = SPACE_RUN.lastIndex;
    }
    const space = position === spaceStart ? '' : text.slice(spaceStart, position);
    if (position === length) {
      visit(space, '', 'other');
      return;
    }
    // Every character that is not horizontal whitespace matches at least the last alternative.
    for (const { kind, pattern } of MATCHERS) {
      pattern.lastIndex = position;
      if (pattern.test(text)) {
        const start = position;
        position = pattern.lastIndex;
        visit(space, text.slice(start, position), kind);
        break;
      }
    }
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  scanTokens(text, (space, tokenText, kind) => {
    tokens.push({ text: tokenText, space, kind });
  });
  return tokens;
}

export function detokenize(tokens: readonly Token[]): string {
  let text = '';
  for (const token of tokens) text += token.space + token.text;
  return text;
}

/** The final token that only carries whitespace after the last real token; it has no vocabulary id. */
export function isTrailingSpace(token: Token): boolean {
  return token.text === '';
}

const LINE_BREAK_START = /^[\n\r\u2028\u2029]/;
/** Attach to the previous token: "word," "word." "word)" "50%" "dogs'". */
const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '!', '?', ')', ']', '}', '%', '…', '...', '’', '”', '»', '›', '/', '\\', '—']);
/** Attach to the next token: "(word" "$5" "#tag" "@name" "¿Qué". */
const NO_SPACE_AFTER = new Set(['(', '[', '{', '$', '€', '£', '¥', '#', '@', '“', '‘', '«', '‹', '¿', '¡', '/', '\\', '—']);
const STRAIGHT_QUOTES = new Set(['"', "'"]);
/** Characters after which a straight quote opens rather than closes. */
const BEFORE_OPENING_QUOTE = new Set([',', ':', ';', '(', '[', '{', '—', '“', '‘']);
const CJK_OR_FULLWIDTH = new RegExp(String.raw`^(?:${CJK}|[\u3000-\u303F\uFF00-\uFFEF])`, 'v');
const CJK_OR_FULLWIDTH_END = new RegExp(String.raw`(?:${CJK}|[\u3000-\u303F\uFF00-\uFFEF])\p{M}*$`, 'v');

/**
 * The whitespace a writer would type between two adjacent token texts (English conventions), used
 * when turning predicted vocabulary words into ghost text. `prev` is undefined at the start of the
 * text. A straight quote is ambiguous (opening or closing); `prevSpace`, the whitespace that
 * preceded `prev` in the real text, settles it when known: a quote after whitespace opens.
 */
export function joinSpacing(prev: string | undefined, next: string, prevSpace?: string): string {
  if (prev === undefined || prev === '') return '';
  if (LINE_BREAK_START.test(prev) || LINE_BREAK_START.test(next)) return '';
  if (CJK_OR_FULLWIDTH_END.test(prev) || CJK_OR_FULLWIDTH.test(next)) return '';
  if (NO_SPACE_BEFORE.has(next) || NO_SPACE_AFTER.has(prev)) return '';
  if (STRAIGHT_QUOTES.has(next)) return BEFORE_OPENING_QUOTE.has(prev) ? ' ' : '';
  if (STRAIGHT_QUOTES.has(prev)) {
    const opening = prevSpace === undefined ? true : prevSpace !== '';
    return opening ? '' : ' ';
  }
  return ' ';
}

/** Kinds whose last token may still be growing as the user types. */
const OPEN_KINDS = new Set<TokenKind>(['word', 'number', 'url', 'path', 'email']);
const WORD_JOINERS = new Set(["'", '’', '-']);
const ENDS_IN_WHITESPACE = /\s$/;

/**
 * Splits the text before the cursor into `complete` (tokens the user has finished) and `prefix`
 * (the token being typed, possibly empty), with `complete + prefix === textBeforeCursor`.
 *
 * - The prefix is the last token when nothing separates it from the cursor and its kind can still
 *   grow (word, number, url, path, e-mail). "The dog bit the" → prefix "the": it may be a whole
 *   word or the start of "theory"; the engine decides.
 * - A word followed by an apostrophe or hyphen is still being typed: "don'" and "state-of-".
 * - After whitespace or punctuation the prefix is empty: "The dog " and "e.g., " and "The end.".
 *   When `complete` ends in whitespace, the suggestion must not add spacing of its own.
 *
 * Only the text after the last whitespace is tokenized, since no token except a paragraph break
 * spans whitespace; the cost per keystroke does not grow with the document.
 */
export function partialWordAtCursor(textBeforeCursor: string): { complete: string; prefix: string } {
  if (textBeforeCursor === '' || ENDS_IN_WHITESPACE.test(textBeforeCursor)) {
    return { complete: textBeforeCursor, prefix: '' };
  }
  const tailStart = lastWhitespaceEnd(textBeforeCursor);
  const tail = tokenize(textBeforeCursor.slice(tailStart));
  const last = tail[tail.length - 1];
  let prefix = '';
  if (OPEN_KINDS.has(last.kind)) {
    prefix = last.text;
  } else if (WORD_JOINERS.has(last.text) && tail.length >= 2 && tail[tail.length - 2].kind === 'word') {
    prefix = tail[tail.length - 2].text + last.text;
  }
  return { complete: textBeforeCursor.slice(0, textBeforeCursor.length - prefix.length), prefix };
}

const WHITESPACE_CHAR = /\s/;
function lastWhitespaceEnd(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    if (WHITESPACE_CHAR.test(text[i])) return i + 1;
  }
  return 0;
}

/**
 * How a vocabulary word should appear when it completes what the user typed, or undefined when it
 * does not fit. Case is kept in the vocabulary, so an exact prefix match is used as is ("API"
 * stays "API"); a capitalised prefix also accepts a lowercase word and capitalises it, so "Th" at
 * a sentence start completes to "The" even when the model prefers "the". Typed letters are never
 * re-cased: "ap" does not become "API".
 */
export function completeWithCase(word: string, prefix: string): string | undefined {
  if (word.startsWith(prefix)) return word;
  const first = prefix[0];
  if (first === first.toLowerCase() || word[0] !== first.toLowerCase()) return undefined;
  const capitalised = first + word.slice(1);
  return capitalised.startsWith(prefix) ? capitalised : undefined;
}
