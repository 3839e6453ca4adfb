import { tokenize } from './tokenizer';
import { Vocabulary } from './vocabulary';

/** A document as the model and the measures see it: token ids, and which positions are word boundaries. */
export interface EncodedDocument {
  ids: Int32Array;
  /** 1 where the cursor, placed before token p, sits right after whitespace that follows a word and token p is a word. */
  wordBoundary: Uint8Array;
}

export function encodeDocument(text: string, vocabulary: Vocabulary): EncodedDocument {
  const tokens = tokenize(text).filter((t) => t.text !== '');
  const ids = Int32Array.from(tokens, (t) => vocabulary.id(t));
  const wordBoundary = new Uint8Array(tokens.length);
  for (let p = 1; p < tokens.length; p++) {
    wordBoundary[p] = tokens[p - 1].kind === 'word' && tokens[p].space !== '' && tokens[p].kind === 'word' ? 1 : 0;
  }
  return { ids, wordBoundary };
}

/**
 * The training stream: every document's ids followed by <eos>, so the model learns where documents start
 * (evaluation and suggestions start each document from <eos> as input, the same context).
 */
export function encodeStream(documents: readonly string[], vocabulary: Vocabulary): Int32Array {
  const parts: number[][] = [];
  let length = 0;
  for (const document of documents) {
    const ids = vocabulary.encode(tokenize(document));
    ids.push(vocabulary.eosId);
    parts.push(ids);
    length += ids.length;
  }
  const stream = new Int32Array(length);
  let offset = 0;
  for (const ids of parts) {
    stream.set(ids, offset);
    offset += ids.length;
  }
  return stream;
}

/** Vocabulary entries that can be offered as a next word: real words (letters or digits first), no placeholders. */
export function wordCandidates(vocabulary: Vocabulary): Uint8Array {
  const mask = new Uint8Array(vocabulary.size);
  for (let id = 0; id < vocabulary.size; id++) {
    mask[id] = !vocabulary.isPlaceholder(id) && /^[\p{L}\p{N}]/u.test(vocabulary.word(id)) ? 1 : 0;
  }
  return mask;
}
