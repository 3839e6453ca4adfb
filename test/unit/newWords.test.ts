import * as assert from 'node:assert/strict';
import { countTokens, Vocabulary } from '../../src/model/vocabulary';
import { chooseNewWords, looksLikeAWord } from '../../src/training/newWords';

const base = Vocabulary.build(countTokens(['the cat sat on the mat and the dog ran']), { minCount: 1, maxSize: 100 });

describe('new words from a workspace', () => {
  it('takes words missing from the vocabulary seen >= 3 times in >= 2 files, most frequent first', () => {
    const files = [
      'the Frobnicator sat. the Frobnicator ran. quux quux quux quux',
      'the Frobnicator and the widget; widget widget',
      'widget',
    ];
    const words = chooseNewWords(files, base, { minCount: 3, minFiles: 2, maxWords: 10 });
    assert.deepEqual(words, [{ word: 'widget', count: 4, files: 2 }, { word: 'Frobnicator', count: 3, files: 2 }],
      'quux (4 times, one file) is left out, as are known words');
  });

  it('keeps at most maxWords, and never numbers, paths, URLs or punctuation', () => {
    const files = ['alpha beta 12345 src/a.ts https://x.org/y ;; alpha beta', 'alpha beta 12345 src/a.ts https://x.org/y ;; alpha beta'];
    assert.deepEqual(chooseNewWords(files, base, { minCount: 3, minFiles: 2, maxWords: 1 }).map((w) => w.word), ['alpha']);
    assert.deepEqual(chooseNewWords(files, base, { minCount: 2, minFiles: 2, maxWords: 9 }).map((w) => w.word), ['alpha', 'beta']);
  });

  it('rejects strings shaped like keys, tokens and hashes, and keeps ordinary and camelCase words', () => {
    for (const word of ['Frobnicator', 'getElementById', 'XMLHttpRequest', 'internationalization', 'ipv6', 'utf8', 'snake_case_name']) {
      assert.ok(looksLikeAWord(word), word);
    }
    for (const word of ['ghp_a8Kd92LmQx0PzR7', 'AKIAIOSFODNN7EXAMPLE', 'deadbeef12345678', 'aZ9xQ2pLmN', 'xYzAbCdEfGhIjK', 'a'.repeat(33)]) {
      assert.ok(!looksLikeAWord(word), word);
    }
  });
});
