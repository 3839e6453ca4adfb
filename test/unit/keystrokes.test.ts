import * as assert from 'node:assert/strict';
import { acceptedWordPrefix, codePointLength, keystrokeSavings, wordCompletionAfterOneLetter } from '../../src/evaluation/keystrokes';

describe('keystroke savings (shared/EVAL.md)', () => {
  const text = 'The dog bit the man.';

  it('counts one keystroke per character when nothing is suggested', async () => {
    const figures = await keystrokeSavings(text, async () => '', false);
    assert.equal(figures.keystrokes, text.length);
    assert.equal(figures.ksr, 0);
  });

  it('accepts a whole correct suggestion with one keystroke', async () => {
    // Suggests " man." exactly when the cursor is after "the"; the user types 15 characters, then Tab.
    const suggest = async (before: string) => (before === 'The dog bit the' ? ' man.' : '');
    const figures = await keystrokeSavings(text, suggest, false);
    assert.equal(figures.keystrokes, 15 + 1);
    assert.equal(figures.ksr, 1 - 16 / 20);
  });

  it('ignores one-character and wrong suggestions', async () => {
    const suggest = async (before: string) => (before === 'The dog bit the ma' ? 'n' : before === 'The' ? ' cat' : '');
    const figures = await keystrokeSavings(text, suggest, true);
    assert.equal(figures.keystrokes, 20);
    assert.equal(figures.shown, 2);
  });

  it('ksr_word accepts the matching leading words with one keystroke each, when that saves', async () => {
    // " bit the woman" matches " bit the" then fails: 2 words for 8 characters.
    const suggest = async (before: string) => (before === 'The dog' ? ' bit the woman' : '');
    const tabOnly = await keystrokeSavings(text, suggest, false);
    const words = await keystrokeSavings(text, suggest, true);
    assert.equal(tabOnly.keystrokes, 20);
    assert.equal(words.keystrokes, 20 - 8 + 2);
  });

  it('splits a suggestion into words with the whitespace or punctuation before each', () => {
    assert.deepEqual(acceptedWordPrefix(' man. The end', 'the man. The cat', 3), { text: ' man. The', words: 2 });
    assert.deepEqual(acceptedWordPrefix(' man.', 'the man.', 3), { text: ' man.', words: 2 });
    assert.equal(acceptedWordPrefix(' woman', 'the man', 3), undefined);
  });

  it('counts characters in code points', async () => {
    assert.equal(codePointLength('a😀b'), 3);
    const figures = await keystrokeSavings('😀😀', async () => '', false);
    assert.equal(figures.keystrokes, 2);
    assert.equal(figures.characters, 2);
  });

  it('the reference of word completion after one letter: a letter and Tab for a word of three or more', async () => {
    // "The", "dog", "bit", "the", "man": 2 keystrokes each; 4 spaces and "." typed; "an" gets a 1-character suggestion.
    const figures = await wordCompletionAfterOneLetter('The dog bit the man.');
    assert.strictEqual(figures.keystrokes, 15);
    assert.strictEqual(figures.characters, 20);
    assert.strictEqual((await wordCompletionAfterOneLetter('an ox')).keystrokes, 5);
    // A window typed after its file's start: the word the window begins inside of is completed from there on.
    assert.strictEqual((await wordCompletionAfterOneLetter({ text: 'Keystrokes saved', from: 3 })).keystrokes, 1 + 1 + 2);
  });
});
