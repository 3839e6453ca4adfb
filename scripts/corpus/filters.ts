// Paragraph filters: what is not English prose a person wrote. Each returns the reason the manifest counts.
import { isBoilerplateText } from './boilerplate';
import { countWords } from './normalise';

export type DropReason =
  | 'navigation'
  | 'short'
  | 'boilerplate'
  | 'non-latin-script'
  | 'no-stop-words'
  | 'symbols'
  | 'all-caps'
  | 'duplicate'
  | 'near-duplicate';

export const FILTER_PARAMETERS = {
  minWords: 4,
  maxLinkShare: 0.75,
  /** Among alphabetic tokens of a paragraph of at least `stopWordMinTokens` tokens. */
  minStopWordShare: 0.2,
  stopWordMinTokens: 8,
  maxNonAsciiLetterShare: 0.1,
  /**
   * Characters outside letters, digits, spaces, sentence punctuation and the underscore of snake_case names,
   * among non-space characters.
   */
  maxSymbolShare: 0.1,
  maxDigitShare: 0.2,
  maxUpperShare: 0.5,
  /** Hashes and base64 make tokens longer than any English word (URLs are judged as one ordinary word). */
  maxTokenLength: 40,
} as const;

// Function words are the most reliable sign of English: every English sentence has some and other languages'
// function words are different, whatever the technical vocabulary around them.
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each either else even ever every few for from ' +
    'further had has have having he her here hers him his how however i if in into is it its itself just may me ' +
    'might more most must my neither no nor not now of off on once only or other otherwise our ours out over own ' +
    'same shall she should since so some such than that the their theirs them then there these they this those ' +
    'though through thus to too under unless until up upon us very via was we were what when where whether which ' +
    'while who whom whose why will with within without would yet you your yours'
  ).split(' '),
);

const LETTER = /\p{L}/u;
const SENTENCE_PUNCTUATION = new Set([...'.,;:!?\'"()-—–/_']);
const URL = /\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/g;

/** The reason to drop a normalised paragraph, or null to keep it. */
export function dropReason(text: string, linkShare: number): DropReason | null {
  const p = FILTER_PARAMETERS;
  if (linkShare > p.maxLinkShare) return 'navigation';
  if (countWords(text) < p.minWords) return 'short';
  if (isBoilerplateText(text)) return 'boilerplate';
  const judged = text.replace(URL, 'url');

  let letters = 0;
  let nonAscii = 0;
  let upper = 0;
  let digits = 0;
  let symbols = 0;
  let visible = 0;
  for (let i = 0; i < judged.length; i++) {
    const c = judged.charCodeAt(i);
    if (c === 32) continue;
    visible++;
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      letters++;
      if (c <= 90) upper++;
    } else if (c >= 48 && c <= 57) digits++;
    else if (c < 128) {
      if (!SENTENCE_PUNCTUATION.has(judged[i])) symbols++;
    } else if (LETTER.test(judged[i])) {
      letters++;
      nonAscii++;
      if (judged[i] !== judged[i].toLowerCase()) upper++;
    } else if (!SENTENCE_PUNCTUATION.has(judged[i])) symbols++;
  }
  if (letters === 0 || nonAscii / letters > p.maxNonAsciiLetterShare) return 'non-latin-script';
  if (symbols / visible > p.maxSymbolShare || digits / visible > p.maxDigitShare) return 'symbols';
  if (judged.split(' ').some((token) => token.length > p.maxTokenLength)) return 'symbols';
  if (upper / letters > p.maxUpperShare) return 'all-caps';

  const tokens = judged.toLowerCase().match(/\p{L}+(?:'\p{L}+)?/gu) ?? [];
  let stop = 0;
  for (const token of tokens) if (STOP_WORDS.has(token)) stop++;
  if (stop === 0) return 'no-stop-words';
  if (tokens.length >= p.stopWordMinTokens && stop / tokens.length < p.minStopWordShare) return 'no-stop-words';
  return null;
}
