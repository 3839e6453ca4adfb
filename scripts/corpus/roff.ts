// Manual pages (man(7) roff) -> prose paragraphs. Not a typesetter: it keeps the running text of the filled
// paragraphs and the text arguments of font macros, and drops no-fill blocks (examples), tables, option tags,
// and the sections that are not prose.
import { RawParagraph, prose } from './paragraph';

/** Sections that hold a signature, cross-references or credits rather than prose. */
const SKIP_SECTIONS = /^(synopsis|see also|colophon|authors?|copyright|reporting bugs|files|examples?|example program|library)$/i;

const FONT_MACROS = new Set(['B', 'I', 'SM', 'SB']);
const ALTERNATING_MACROS = new Set(['BR', 'RB', 'BI', 'IB', 'IR', 'RI']);
const BREAK_MACROS = new Set(['PP', 'LP', 'P', 'sp', 'RS', 'RE', 'HP', 'in', 'ti', 'bp', 'ne']);

const NAMED_CHARS: Record<string, string> = {
  em: '—', en: '–', hy: '-', aq: "'", dq: '"', lq: '"', rq: '"', oq: "'", cq: "'", bu: '', ga: '`', ha: '^',
  ti: '~', rs: '\\', sl: '/', co: '©', rg: '®', tm: '™', mi: '-', pl: '+', mu: '×', di: '÷', '>=': '>=', '<=': '<=',
};

export function manToParagraphs(roff: string): RawParagraph[] {
  const paragraphs: RawParagraph[] = [];
  let current: string[] = [];
  let skipSection = false;
  let noFill = false;
  let table = false;
  let tagLine = false;

  const flush = (): void => {
    if (current.length > 0 && !skipSection) paragraphs.push(prose(current.join(' ')));
    current = [];
  };

  for (const rawLine of roff.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.replace(/\\".*$/, '');
    const macro = /^[.'][ \t]*(\S+)\s*(.*)$/.exec(line);
    const name = macro?.[1] ?? '';
    if (table) {
      if (name === 'TE') table = false;
      continue;
    }
    if (noFill) {
      if (name === 'fi' || name === 'EE') noFill = false;
      continue;
    }
    if (macro === null) {
      // A control character alone (what is left of a .\" comment line) is an empty request.
      if (/^[.']\s*$/.test(line)) continue;
      if (tagLine) {
        // The line after .TP is the tag (usually an option or a constant), like an HTML dt.
        tagLine = false;
        continue;
      }
      if (line.trim() !== '') current.push(unescape(line));
      continue;
    }
    const args = macro[2];
    if (name === 'SH' || name === 'SS') {
      flush();
      const heading = unescape(splitArgs(args).join(' ')).trim();
      if (name === 'SH') skipSection = SKIP_SECTIONS.test(heading);
      if (heading !== '') current.push(heading);
      flush();
    } else if (name === 'TS') {
      flush();
      table = true;
    } else if (name === 'nf' || name === 'EX') {
      flush();
      noFill = true;
    } else if (name === 'TP' || name === 'TQ') {
      flush();
      tagLine = true;
    } else if (name === 'IP') {
      flush();
    } else if (BREAK_MACROS.has(name)) {
      flush();
    } else if (tagLine) {
      // A tag set with a font macro, e.g. .TP then .B \-\-help
      tagLine = false;
    } else if (FONT_MACROS.has(name)) {
      current.push(unescape(splitArgs(args).join(' ')));
    } else if (ALTERNATING_MACROS.has(name)) {
      current.push(unescape(splitArgs(args).join('')));
    } else if (name === 'UR' || name === 'MT' || name === 'UE' || name === 'ME') {
      // URLs and mail addresses are not prose; the text between .UR and .UE is kept by the plain-line branch.
      if ((name === 'UE' || name === 'ME') && args.trim() !== '') current.push(unescape(args.trim()));
    }
    // Other requests (.TH, .so, .ad, .hy, .ft, font and spacing settings) carry no running text.
  }
  flush();
  return paragraphs;
}

/** Macro arguments: space-separated, double quotes group, "" inside quotes is a literal quote. */
function splitArgs(args: string): string[] {
  const out: string[] = [];
  const pattern = /"((?:[^"]|"")*)"?|(\S+)/g;
  for (let m = pattern.exec(args); m !== null; m = pattern.exec(args)) {
    out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
  }
  return out;
}

/** Roff escapes to characters; font, size and spacing escapes to nothing. */
export function unescape(text: string): string {
  return text
    .replace(/\\f(\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\s[-+]?(\d|\(\d\d|\[\d+\])/g, '')
    .replace(/\\\*?\((..)/g, (_, name: string) => NAMED_CHARS[name] ?? '')
    .replace(/\\\*?\[([^\]]*)\]/g, (_, name: string) => NAMED_CHARS[name] ?? '')
    .replace(/\\\*(.)/g, '')
    .replace(/\\[-]/g, '-')
    .replace(/\\[e\\]/g, '\\')
    .replace(/\\[ ~0]/g, ' ')
    .replace(/\\[&:%|^,/c)]/g, '')
    .replace(/\\(.)/g, '$1');
}
