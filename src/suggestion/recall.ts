import { EMAIL, PATH, RESERVED_WORDS, UNK, URL } from '../model/vocabulary';
import { scrubSecrets } from '../training/secrets';

/**
 * Recall: suggesting the very strings behind the placeholders the model predicts. The vocabulary keys URLs,
 * paths and e-mail addresses by their class and every rare word as <unk> (src/model/vocabulary.ts), so the
 * model can say "a URL comes next" but never which one. Writers repeat those strings: a README links the same
 * repository again and again, a package or function name that no vocabulary holds comes back in every other
 * paragraph. Recall remembers them, from the document before the cursor (DocumentRecall) and from the
 * workspace the model was fine-tuned on (WorkspaceRecall), and expands the class's probability over them:
 *
 *   P(s) = P_model(class of s) · P(s | class)
 *   P(s | class) = (d(s) + γ · w(s) / W) / (D + γ + α)
 *
 * with d(s) the times s occurs in the document before the cursor (D in all, of that class), w(s) / W its share
 * of the class in the workspace (γ pseudo-counts; none without a workspace lexicon), and α the pseudo-count of
 * a string never seen: a first occurrence is the most common case of all.
 */

/** The placeholder ids whose strings are recalled: <unk>, <url>, <path>, <email> (fixed in every vocabulary). */
export const RECALLED_CLASSES: readonly number[] = [UNK, URL, PATH, EMAIL].map((word) => RESERVED_WORDS.indexOf(word));
const RECALLED = new Set(RECALLED_CLASSES);
/** The workspace's share of a class counts like this many occurrences in the document. */
const WORKSPACE_PSEUDO_COUNT = 2;
/** The chance that a URL or rare word is one not seen before, as pseudo-occurrences. */
const NOVELTY_PSEUDO_COUNT = 1;
/** Strings shorter than this are typed faster than read. */
const MIN_RECALLED_LENGTH = 4;

export function isRecalledClass(id: number): boolean {
  return RECALLED.has(id);
}

/**
 * Whether a token's string may be remembered at all: long enough to be worth it and nothing the secret scrubber
 * would remove (a key pasted into the document is not offered back elsewhere in it, nor learned).
 */
export function isRecallable(text: string): boolean {
  return text.length >= MIN_RECALLED_LENGTH && scrubSecrets(text).redactions === 0;
}

/** A remembered string that extends the typed prefix, with its probability given its class. */
export interface RecallMatch {
  /** What it adds after the prefix. */
  rest: string;
  classId: number;
  /** P(s | class). */
  share: number;
}

/** The strings a source remembers that start with `prefix`, and how often each was seen. */
export interface RecallSource {
  /** Occurrences of each class in all, for the denominator. */
  total(classId: number): number;
  forEachMatch(prefix: string, visit: (text: string, classId: number, count: number) => void): void;
}

/**
 * Everything document and workspace remember that extends `prefix`, with P(s | class) as in the file comment.
 * `wanted(classId)` skips classes the model gives too little probability to matter.
 */
export function recallMatches(document: RecallSource, workspace: RecallSource | undefined, prefix: string, wanted: (classId: number) => boolean): RecallMatch[] {
  const denominators = new Map<number, { document: number; workspace: number }>();
  for (const classId of RECALLED_CLASSES) {
    if (!wanted(classId)) continue;
    const inWorkspace = workspace?.total(classId) ?? 0;
    const prior = inWorkspace > 0 ? WORKSPACE_PSEUDO_COUNT : 0;
    const denominator = document.total(classId) + prior + NOVELTY_PSEUDO_COUNT;
    denominators.set(classId, { document: 1 / denominator, workspace: inWorkspace > 0 ? prior / (inWorkspace * denominator) : 0 });
  }
  const matches: RecallMatch[] = [];
  const collect = (scale: 'document' | 'workspace') => (text: string, classId: number, count: number) => {
    const weights = denominators.get(classId);
    if (weights && text.length > prefix.length) matches.push({ rest: text.slice(prefix.length), classId, share: count * weights[scale] });
  };
  if (denominators.size === 0) return matches;
  document.forEachMatch(prefix, collect('document'));
  workspace?.forEachMatch(prefix, collect('workspace'));
  return matches;
}

/** Characters after which a long string may be cut: the ends of its parts (a URL's host, path segments). */
const CUT_AFTER = new Set(['/', '.', '-', '_', '#', '?', '=', '&', ':', '@']);
/** The strings whose cuts are considered: the likeliest few (a cut pools every string it begins). */
const CUT_SOURCES = 8;

/**
 * The pieces worth suggesting from the matches, each with its mass P_model(class) · P(s | class) pooled over
 * every match it begins: "https://github.com/" may be likely where no single URL is. A piece is a match whole
 * or cut after one of its parts; pieces come from the likeliest matches (CUT_SOURCES).
 */
export function recallPieces(matches: readonly RecallMatch[], classMass: (classId: number) => number): { text: string; mass: number }[] {
  if (matches.length === 0) return [];
  const weighted = matches.map((m) => ({ rest: m.rest, mass: classMass(m.classId) * m.share }));
  const sources = [...weighted].sort((a, b) => b.mass - a.mass).slice(0, CUT_SOURCES);
  const pieces = new Set<string>();
  for (const { rest } of sources) {
    pieces.add(rest);
    for (let i = 1; i < rest.length; i++) if (CUT_AFTER.has(rest[i - 1])) pieces.add(rest.slice(0, i));
  }
  weighted.sort((a, b) => (a.rest < b.rest ? -1 : a.rest > b.rest ? 1 : 0));
  const cumulative = new Float64Array(weighted.length + 1);
  weighted.forEach((w, i) => { cumulative[i + 1] = cumulative[i] + w.mass; });
  const rests = weighted.map((w) => w.rest);
  return [...pieces].map((text) => {
    const [low, high] = prefixRange(rests, text);
    return { text, mass: cumulative[high] - cumulative[low] };
  });
}

/** The range [low, high) of a sorted array whose strings start with `prefix`. */
export function prefixRange(sorted: readonly string[], prefix: string): [number, number] {
  const low = firstIndex(sorted, (text) => text >= prefix);
  // From `low` on, every string that starts with the prefix sorts before every one that does not.
  const high = firstIndex(sorted, (text) => !text.startsWith(prefix), low);
  return [low, high];
}

/** The first index from `from` on at which `holds` is true, for a predicate false then true along the array. */
function firstIndex(sorted: readonly string[], holds: (text: string) => boolean, from = 0): number {
  let low = from, high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (holds(sorted[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
}
