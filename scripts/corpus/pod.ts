// Perl's POD -> prose paragraphs. POD is paragraph-based: "=command" paragraphs, verbatim (indented, i.e. code)
// paragraphs, and ordinary paragraphs with X<...> formatting codes.
import { RawParagraph, prose } from './paragraph';

/** Named E<...> escapes that occur in Perl's own documentation; numeric ones are decoded generally. */
const ESCAPES: Record<string, string> = { lt: '<', gt: '>', verbar: '|', sol: '/', quot: '"', amp: '&', nbsp: ' ' };

export function podToParagraphs(pod: string): RawParagraph[] {
  const blocks = pod.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/);
  const paragraphs: RawParagraph[] = [];
  // A .pod file is all POD until an =cut.
  let inPod = true;
  let beginDepth = 0;
  for (const block of blocks) {
    if (block.trim() === '') continue;
    const command = /^=([a-zA-Z]\w*)\s*([\s\S]*)$/.exec(block);
    if (command !== null) {
      const [, name, rest] = command;
      inPod = name !== 'cut';
      if (name === 'begin') beginDepth++;
      else if (name === 'end') beginDepth = Math.max(0, beginDepth - 1);
      else if (beginDepth === 0 && /^(head\d|item)$/.test(name)) {
        const text = formatCodes(rest.trim().replace(/^[*]\s*/, ''));
        if (text.trim() !== '' && !/^\d+\.?$/.test(text.trim())) paragraphs.push(prose(text));
      }
      continue;
    }
    // Outside =pod...=cut is Perl code; =begin blocks are for other formatters; indented blocks are verbatim code.
    if (!inPod || beginDepth > 0 || /^[ \t]/.test(block)) continue;
    paragraphs.push(prose(formatCodes(block)));
  }
  return paragraphs;
}

/** Resolves B<>, I<>, C<>, L<>, E<>, X<>... including the C<< ... >> form whose content may hold ">". */
export function formatCodes(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const code = /^([A-Z])(<+)(\s?)/.exec(text.slice(i, i + 12));
    if (code === null) {
      out += text[i++];
      continue;
    }
    const [whole, letter, angles] = code;
    const close = angles.length === 1 ? '>' : ` ${'>'.repeat(angles.length)}`;
    const end = findClose(text, i + whole.length, angles.length, close);
    const inner = text.slice(i + whole.length, end);
    i = end + close.length;
    out += resolve(letter, angles.length === 1 ? formatCodes(inner) : formatCodes(inner.trim()));
  }
  return out;
}

function findClose(text: string, from: number, angles: number, close: string): number {
  if (angles > 1) {
    const end = text.indexOf(close, from);
    return end < 0 ? text.length : end;
  }
  let depth = 0;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '<' && j > 0 && /[A-Z]/.test(text[j - 1])) depth++;
    else if (text[j] === '>') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return text.length;
}

function resolve(letter: string, inner: string): string {
  switch (letter) {
    case 'X':
    case 'Z':
      return '';
    case 'E': {
      if (/^0x[0-9a-f]+$/i.test(inner)) return String.fromCodePoint(parseInt(inner, 16));
      if (/^\d+$/.test(inner)) return String.fromCodePoint(parseInt(inner, 10));
      return ESCAPES[inner] ?? '';
    }
    case 'L': {
      // L<text|target> shows text; L<name/"section"> shows both; a bare URL or page name shows itself.
      const bar = inner.indexOf('|');
      if (bar >= 0) return inner.slice(0, bar);
      const section = /^(.*?)\/"?([^"]*)"?$/.exec(inner);
      if (section !== null && !/^\w+:/.test(inner)) return section[1] === '' ? section[2] : `${section[2]} in ${section[1]}`;
      return inner;
    }
    default:
      return inner;
  }
}
