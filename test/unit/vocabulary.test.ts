import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { tokenize } from '../../src/model/tokenizer';
import { countTokens, EMAIL, NEWLINE, NUM, PARAGRAPH, PATH, RESERVED_WORDS, URL, Vocabulary, vocabularyKey } from '../../src/model/vocabulary';

const counts = (entries: Record<string, number>): Map<string, number> => new Map(Object.entries(entries));
const wordsAfterReserved = (vocabulary: Vocabulary): string[] => vocabulary.toJSON().slice(RESERVED_WORDS.length);
const CLASS_KINDS = new Set(['number', 'url', 'path', 'email', 'newline', 'paragraph']);

describe('vocabulary', () => {
  describe('vocabularyKey and countTokens', () => {
    it('counts numbers, URLs, paths and e-mail addresses under their class, everything else as its text', () => {
      const counted = countTokens([
        'The cat sat on 3 mats in 2026.\nSee https://example.com or /usr/share/doc',
        'Mail me@example.com, the cat\r\n\r\nsat 😀  ',
      ]);
      assert.deepEqual(
        [...counted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        [
          [NEWLINE, 1], [PARAGRAPH, 1], [',', 1], ['.', 1], [EMAIL, 1], [NUM, 2], [PATH, 1], [URL, 1],
          ['Mail', 1], ['See', 1], ['The', 1], ['cat', 2], ['in', 1], ['mats', 1], ['on', 1], ['or', 1], ['sat', 2], ['the', 1], ['😀', 1],
        ],
      );
    });

    it('never gives a word, punctuation or symbol a reserved key', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
          for (const token of tokenize(text)) {
            if (token.text !== '' && RESERVED_WORDS.includes(vocabularyKey(token))) assert.ok(CLASS_KINDS.has(token.kind), JSON.stringify(token));
          }
        }),
        { numRuns: 2000 },
      );
      for (const text of ['<unk>', '<num>', '<eos>', '\\n']) {
        assert.ok(tokenize(text).every((token) => !RESERVED_WORDS.includes(vocabularyKey(token))), text);
      }
    });

    it('refuses a key for the trailing-whitespace token', () => {
      const trailing = tokenize('end  ')[1];
      assert.throws(() => vocabularyKey(trailing), /trailing-whitespace token has no vocabulary key/);
    });
  });

  describe('build', () => {
    it('puts the reserved entries first, then words by count descending and text ascending', () => {
      const vocabulary = Vocabulary.build(counts({ b: 5, a: 5, c: 9, d: 1 }), { minCount: 1, maxSize: 100 });
      assert.deepEqual(vocabulary.toJSON(), [...RESERVED_WORDS, 'c', 'a', 'b', 'd']);
      assert.equal(vocabulary.size, RESERVED_WORDS.length + 4);
      assert.equal(vocabulary.unkId, 0);
      assert.equal(vocabulary.word(vocabulary.eosId), '<eos>');
    });

    it('drops words below minCount', () => {
      const vocabulary = Vocabulary.build(counts({ often: 3, twice: 2, once: 1 }), { minCount: 2, maxSize: 100 });
      assert.deepEqual(wordsAfterReserved(vocabulary), ['often', 'twice']);
      assert.equal(vocabulary.has('once'), false);
    });

    it('keeps at most maxSize entries, reserved ones included, preferring frequent words', () => {
      const vocabulary = Vocabulary.build(counts({ a: 1, b: 2, c: 3, d: 4 }), { minCount: 1, maxSize: RESERVED_WORDS.length + 2 });
      assert.equal(vocabulary.size, RESERVED_WORDS.length + 2);
      assert.deepEqual(wordsAfterReserved(vocabulary), ['d', 'c']);
    });

    it('does not duplicate reserved keys that appear in the counts', () => {
      const vocabulary = Vocabulary.build(countTokens(['1 2 3 x\n\n\ny']), { minCount: 1, maxSize: 100 });
      assert.deepEqual(wordsAfterReserved(vocabulary), ['x', 'y']);
    });

    it('gives the same ids for the same counts, whatever their insertion order', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 5 })), (entries) => {
          const forward = new Map(Object.entries(entries));
          const backward = new Map([...forward].reverse());
          const options = { minCount: 2, maxSize: RESERVED_WORDS.length + 5 };
          assert.deepEqual(Vocabulary.build(forward, options).toJSON(), Vocabulary.build(backward, options).toJSON());
        }),
      );
    });

    it('rejects options that cannot describe a vocabulary', () => {
      assert.throws(() => Vocabulary.build(new Map(), { minCount: 0, maxSize: 100 }), /minCount must be a number >= 1, got 0/);
      assert.throws(() => Vocabulary.build(new Map(), { minCount: 1, maxSize: 3 }), /maxSize must be an integer >= 8 \(the reserved entries\), got 3/);
      assert.throws(() => Vocabulary.build(new Map(), { minCount: 1, maxSize: 10.5 }), /maxSize must be an integer/);
    });
  });

  describe('ids', () => {
    const vocabulary = Vocabulary.build(countTokens(['The dog bit the man. The API failed in 2026, see https://x.org', 'the dog']), {
      minCount: 1,
      maxSize: 100,
    });
    const ids = (text: string): string[] => vocabulary.encode(tokenize(text)).map((id) => vocabulary.word(id));

    it('maps words to themselves, values to their class and unknown words to <unk>, keeping case', () => {
      assert.deepEqual(ids('The dog bit the cat in 1999 at www.y.com\n'), ['The', 'dog', 'bit', 'the', '<unk>', 'in', NUM, '<unk>', URL, NEWLINE]);
      assert.equal(vocabulary.id(tokenize('THE')[0]), vocabulary.unkId);
      assert.equal(vocabulary.word(vocabulary.id(tokenize('API')[0])), 'API');
    });

    it('skips the trailing-whitespace token when encoding, and refuses it in id()', () => {
      const tokens = tokenize('The dog ');
      assert.equal(vocabulary.encode(tokens).length, 2);
      assert.throws(() => vocabulary.id(tokens[2]), /no vocabulary key/);
    });

    it('marks <unk>, <eos> and the classes as placeholders, but not line breaks or words', () => {
      const placeholders = vocabulary.toJSON().filter((_, id) => vocabulary.isPlaceholder(id));
      assert.deepEqual(placeholders, ['<unk>', '<eos>', NUM, URL, PATH, EMAIL]);
    });

    it('rejects ids outside the vocabulary', () => {
      assert.throws(() => vocabulary.word(vocabulary.size), /No vocabulary id/);
      assert.throws(() => vocabulary.word(-1), /No vocabulary id/);
      assert.throws(() => vocabulary.word(1.5), /No vocabulary id/);
    });
  });

  describe('idsWithPrefix', () => {
    const vocabulary = Vocabulary.build(counts({ the: 50, The: 20, there: 10, They: 5, API: 8, apple: 3, theory: 2, Thai: 1 }), { minCount: 1, maxSize: 100 });
    const words = (prefix: string): string[] => vocabulary.idsWithPrefix(prefix).map((id) => vocabulary.word(id));

    it('finds exact-case completions, most frequent first', () => {
      assert.deepEqual(words('th'), ['the', 'there', 'theory']);
      assert.deepEqual(words('AP'), ['API']);
    });

    it('lets a capitalised prefix also complete lowercase words', () => {
      assert.deepEqual(words('Th'), ['the', 'The', 'there', 'They', 'theory', 'Thai']);
      assert.deepEqual(words('The'), ['the', 'The', 'there', 'They', 'theory']);
    });

    it('does not re-case what was typed', () => {
      assert.deepEqual(words('ap'), ['apple']);
      assert.deepEqual(words('TH'), []);
    });

    it('gives every word for an empty prefix and no placeholders ever', () => {
      const all = vocabulary.idsWithPrefix('');
      assert.equal(all.length, vocabulary.size - 6);
      assert.ok(all.every((id) => !vocabulary.isPlaceholder(id)));
      assert.deepEqual(words('<'), []);
    });

    it('idsStartingWith keeps the case of the prefix: "The" finds "The" and "They", not "the"', () => {
      const exact = (prefix: string): string[] => vocabulary.idsStartingWith(prefix).map((id) => vocabulary.word(id)).sort();
      assert.deepEqual(exact('The'), ['The', 'They']);
      assert.deepEqual(exact('the'), ['the', 'theory', 'there']);
      assert.deepEqual(exact('x'), []);
    });
  });

  describe('JSON', () => {
    it('round-trips any vocabulary, through the array or through JSON text', () => {
      fc.assert(
        fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 5 }), (texts) => {
          const vocabulary = Vocabulary.build(countTokens(texts), { minCount: 1, maxSize: 1000 });
          assert.deepEqual(Vocabulary.fromJSON(vocabulary.toJSON()).toJSON(), vocabulary.toJSON());
          assert.deepEqual(Vocabulary.fromJSON(JSON.stringify(vocabulary)).toJSON(), vocabulary.toJSON());
        }),
      );
    });

    it('keeps lone surrogates through JSON text', () => {
      const vocabulary = Vocabulary.build(countTokens(['\ud800 x']), { minCount: 1, maxSize: 100 });
      assert.ok(Vocabulary.fromJSON(JSON.stringify(vocabulary)).has('\ud800'));
    });

    it('rejects corrupt input with a message naming the problem', () => {
      const good = [...RESERVED_WORDS, 'the', 'a'];
      const cases: [unknown, RegExp][] = [
        ['{not json', /Vocabulary JSON does not parse/],
        [{ words: good }, /must be an array of strings, got object/],
        [null, /must be an array of strings, got null/],
        [[...good, 7], /entry 10 is number, expected a string/],
        [[...good, ''], /entry 10 is an empty string/],
        [[...good, 'the'], /entry 10 "the" duplicates entry 8/],
        [[...good, '<num>'], /entry 10 "<num>" duplicates entry 2/],
        [['the', ...good], /entry 9 "the" duplicates entry 0/],
        [good.slice(1), /entry 0 must be the reserved "<unk>" but is "<eos>"/],
        [RESERVED_WORDS.slice(0, 5), /entry 5 must be the reserved "<email>" but is missing/],
        [[RESERVED_WORDS[1], RESERVED_WORDS[0], ...RESERVED_WORDS.slice(2)], /entry 0 must be the reserved "<unk>" but is "<eos>"/],
        [[], /entry 0 must be the reserved "<unk>" but is missing/],
      ];
      for (const [input, message] of cases) assert.throws(() => Vocabulary.fromJSON(input), message, JSON.stringify(input));
    });
  });
});
