import { CommentSpan, CommentSyntax, commentsOf } from '../provider/commentSyntax';
import { isBoilerplateText } from '../../scripts/corpus/boilerplate';

/**
 * The prose of a file's text: Markdown without its fenced code, plain prose as it is, and of code only the
 * comments, without licence headers, tool directives and commented-out code. Comments become paragraphs
 * (a blank line between them) so that the model never learns to continue one comment with the next.
 */
export type ProseSource = { kind: 'markdown' } | { kind: 'prose' } | { kind: 'code'; syntax: CommentSyntax };

export function proseOf(text: string, source: ProseSource): string {
  switch (source.kind) {
    case 'markdown': return withoutFencedCode(text);
    case 'prose': return text;
    case 'code': return commentProse(text, source.syntax);
  }
}

/** Removes ``` and ~~~ fenced blocks (CommonMark: the closing fence is the same character, at least as long). */
function withoutFencedCode(text: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined) {
      if (marker !== undefined) fence = marker;
      else kept.push(line);
    } else if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) {
      fence = undefined;
    }
  }
  return kept.join('\n');
}

/** Comments addressed to tools rather than readers. */
const DIRECTIVE = /^(?:SPDX-License-Identifier:|eslint[- ]|jshint|global\s|@ts-|ts-(?:check|nocheck)|prettier-ignore|istanbul\s|c8\s|noqa|pylint:|type:\s*ignore|mypy:|fmt:\s*(?:on|off)|nolint|pragma|#?(?:end)?region\b|-\*-.*-\*-|vim?:|@flow|<reference|<\/?auto-generated|@license|@preserve|@format)/i;

/** Lines that read as code: commented-out statements, declarations, calls and assignments. */
const CODE_LINE: readonly RegExp[] = [
  /[;{}]$/,
  /^[}\])]/,
  /^(?:import|from)\s+[\w.@/'"-]+(?:\s+import\s.*)?$/,
  /^(?:def|func|fn|function|class|interface|struct|enum|type)\s+\w+\s*[(<:{=]/,
  /^(?:const|let|var|val|public|private|protected|static)\s+[\w<>[\]]+\s*[:=(]/,
  /^(?:if|for|while|switch|elif|else\s+if)\s*\(.*\)\s*:?$/,
  /^[\w.$[\]'"]+\s*(?:[-+*/|&]?=|:=)(?!=)\s*\S/,
  /^[\w.$]+\(.*\)[;,]?$/,
  /(?:=>|===|!==|&&|\|\|)/,
];
const CODE_SYMBOLS = /[{}[\]();=<>&|]/g;
const MAX_PROSE_SYMBOL_SHARE = 0.2;

function looksLikeCode(line: string): boolean {
  if (CODE_LINE.some((pattern) => pattern.test(line))) return true;
  const visible = line.replace(/\s+/g, '').length;
  return visible > 3 && (line.match(CODE_SYMBOLS)?.length ?? 0) / visible > MAX_PROSE_SYMBOL_SHARE;
}

function commentProse(text: string, syntax: CommentSyntax): string {
  const paragraphs: string[] = [];
  // A shebang line is a comment to the shell, not to readers.
  for (const block of commentBlocks(text.replace(/^#![^\n]*/, ''), syntax)) {
    const body = block.join('\n');
    // Licence headers: the corpus builder's boilerplate rules, so that both sides drop the same text.
    if (isBoilerplateText(body)) continue;
    const lines = block.filter((line) => !DIRECTIVE.test(line) && !looksLikeCode(line));
    const paragraph = lines.join('\n').replace(/\n{2,}/g, '\n\n').trim();
    if (paragraph.length > 0) paragraphs.push(paragraph);
  }
  return paragraphs.join('\n\n');
}

/**
 * The comments of `text` as blocks of cleaned lines: a block comment is one block, and so is a run of line
 * comments on consecutive lines with nothing but indentation before them. A line comment after code stands alone.
 */
function commentBlocks(text: string, syntax: CommentSyntax): string[][] {
  const blocks: string[][] = [];
  let run: { lines: string[]; end: number } | undefined;
  for (const comment of commentsOf(text, syntax)) {
    const lineStart = text.lastIndexOf('\n', comment.start - 1) + 1;
    const ownLine = /^[ \t]*$/.test(text.slice(lineStart, comment.start));
    const lines = bodyLines(text, comment);
    if (comment.kind === 'line' && ownLine && run && run.end === lineStart) {
      run.lines.push(...lines);
      run.end = comment.end;
      continue;
    }
    if (run) blocks.push(run.lines);
    run = undefined;
    if (comment.kind === 'line' && ownLine) run = { lines, end: comment.end };
    else blocks.push(lines);
  }
  if (run) blocks.push(run.lines);
  return blocks;
}

/**
 * A comment's lines without their decoration: the markers' repeated characters ("///", "##", "//!"), a
 * leading "*" of a JSDoc line, rulers of "*", "=", "-" or "#".
 */
function bodyLines(text: string, comment: CommentSpan): string[] {
  return text.slice(comment.body, comment.bodyEnd).split('\n').map((line) => line
    .replace(/\r$/, '')
    .replace(/^[ \t]*(?:[*/#%;!]+|-{2,})?[ \t]?/, '')
    .replace(/[ \t]*\*+[ \t]*$/, '')
    .replace(/^[-=*#~_+]{3,}$/, '')
    .trimEnd());
}
