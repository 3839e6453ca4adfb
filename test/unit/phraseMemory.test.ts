import * as assert from 'node:assert/strict';
import { KneserNeyTrigram } from '../../src/baseline/kneserNey';
import { tokenize } from '../../src/model/tokenizer';
import { countTokens, Vocabulary } from '../../src/model/vocabulary';
import { DEFAULT_POLICY } from '../../src/suggestion/completionPolicy';
import { SuggestionEngine } from '../../src/suggestion/engine';
import { KneserNeyPredictor } from '../../src/suggestion/kneserNeyPredictor';
import { continuePhrase, PhraseMemory, phrasesOf } from '../../src/suggestion/phraseMemory';

/** A document's memory of `text`, as the engine keeps it: every token with the whitespace before it. */
function documentMemory(text: string): PhraseMemory {
  const memory = new PhraseMemory();
  for (const token of tokenize(text)) if (token.text !== '') memory.pushToken(token.space, token.text);
  return memory;
}

/** The phrase after `text` (its last token complete) and `pending`, with a workspace memory or none. */
function phraseAfter(text: string, pending: string, workspace?: PhraseMemory, maxWords = DEFAULT_POLICY.maxWords): string | undefined {
  return continuePhrase(documentMemory(text), workspace, pending, maxWords)?.text;
}

describe('phrase memory', () => {
  it('continues a phrase written once for a few tokens, one written twice the same way further', () => {
    const sentence = 'Then install it with the command line tool of the project today.';
    const once = `Hello. ${sentence} Again: Then install it with the`;
    const twice = `Hello. ${sentence} ${sentence} Again: Then install it with the`;
    assert.equal(phraseAfter(once, ' c'), 'ommand line tool');
    assert.equal(phraseAfter(twice, ' c', undefined, 8), 'ommand line tool of the project');
    // Never more words after the one being typed than the policy's maxWords.
    assert.equal(phraseAfter(twice, ' c'), 'ommand line tool of the');
    assert.equal(phraseAfter(twice, ' c', undefined, 1), 'ommand line');
    // Agreeing occurrences back it more, and the chance given to it says so.
    assert.equal(continuePhrase(documentMemory(once), undefined, ' c', 4)?.probability, 0.5);
    assert.ok(continuePhrase(documentMemory(twice), undefined, ' c', 4)!.probability > 0.5);
  });

  it('offers nothing where the earlier occurrences part, where fewer than three pieces match, or across a line break', () => {
    assert.equal(phraseAfter('so the quick brown fox ran. so the quick brown cat sat. and the quick brown', ' '), undefined);
    assert.equal(phraseAfter('so the quick brown fox ran. so the quick brown fox sat. and the quick brown', ' '), 'fox');
    assert.equal(phraseAfter('the quick brown fox ran. so quick', ' '), undefined);
    assert.equal(phraseAfter('and so then she left\nthe room. later so then she', ' left'), undefined);
    assert.equal(phraseAfter('and so then she left\nthe room. later so then she', ' l'), 'eft');
  });

  it('adds whole words (a limit never cuts one short), and a URL part by part', () => {
    assert.equal(phraseAfter("and so I said I don't know. so I said", ' '), "I don't know");
    assert.equal(phraseAfter("and so I said I don't know. so I said", ' ', undefined, 1), "I don't");
    assert.equal(phraseAfter('read about the docs, e.g. the guide. see the docs,', ' ', undefined, 0), 'e.g.');
  });

  it('continues what the writer typed of a word only with words that extend it', () => {
    assert.equal(phraseAfter('so we read the manual page twice. now we read the', ' mo'), undefined);
    assert.equal(phraseAfter('so we read the manual page twice. now we read the', ' ma'), 'nual page twice');
  });

  it('completes a URL inside a phrase, but leaves a URL matched only on its own first characters to recall', () => {
    const before = 'Read the guide at https://example.org/quux/guide.html first. ';
    assert.equal(phraseAfter(`${before}Read the guide at`, ' https://exa'), 'mple.org');
    assert.equal(phraseAfter(`${before}Also see`, ' https://exa'), undefined);
  });

  it('pools the document and the workspace, and the longer match wins', () => {
    const workspace = documentMemory('To begin, run the setup script from the root folder of the repository.');
    assert.equal(phraseAfter('Now, run the setup', ' s', workspace), 'cript from the');
    assert.equal(phraseAfter('Now, run the setup', ' s'), undefined);
    // Three pieces are enough in the document, not in a workspace of many files, where they repeat by coincidence.
    assert.equal(phraseAfter('Now run the setup', ' s', workspace), undefined);
    // The document's own, longer match beats the workspace's.
    assert.equal(phraseAfter('and then run the setup script twice. and then run the setup', ' s', workspace), 'cript twice.');
  });

  it('forgets the tokens the writer deleted', () => {
    const memory = documentMemory('so keep the lights on at night. keep the lights');
    assert.equal(continuePhrase(memory, undefined, ' o', 4)?.text, 'n at night');
    for (let i = 0; i < 10; i++) memory.popToken();
    for (const token of tokenize(' keep the lights')) if (token.text !== '') memory.pushToken(token.space, token.text);
    assert.equal(memory.length, documentMemory('so keep the lights').length);
    assert.equal(continuePhrase(memory, undefined, ' o', 4), undefined);
  });

  it('never continues into a number, nor a workspace string that occurs once; a string that occurs twice comes back', () => {
    const vocabulary = Vocabulary.build(countTokens(['my locker code is here and so the door is open docs live at site are old']), { minCount: 1, maxSize: 100 });
    const text = 'my locker code is 483920 and the door is open. the Quuxbridge docs live at the Quuxbridge site. the Zorblax docs are old.';
    const workspace = phrasesOf([text], vocabulary);
    assert.equal(phraseAfter('and so my locker code is', ' ', workspace), undefined);
    assert.equal(phraseAfter('so the Quuxbridge docs live at', ' ', workspace), 'the Quuxbridge site');
    assert.equal(phraseAfter('so the Zorblax docs', ' ', workspace), undefined);
    assert.equal(phraseAfter('and the Quuxbridge site. the', ' Zo', workspace), undefined);
    assert.equal(phraseAfter('and the Quuxbridge site.', ' ', workspace), 'the');
  });

  it("takes a workspace's texts whole and in order until it holds its most pieces", () => {
    const vocabulary = Vocabulary.build(countTokens(['alpha beta gamma delta']), { minCount: 1, maxSize: 100 });
    const texts = ['alpha beta gamma delta alpha', 'beta gamma delta beta', 'gamma delta alpha gamma'];
    assert.equal(phrasesOf(texts, vocabulary).length, 16);
    assert.equal(phrasesOf(texts, vocabulary, 5).length, 6);
    assert.equal(phrasesOf(texts, vocabulary, 7).length, 11);
  });

  it('round-trips through its file and rejects a malformed one with a message', () => {
    const vocabulary = Vocabulary.build(countTokens(['the alpha beta gamma delta']), { minCount: 1, maxSize: 100 });
    const memory = phrasesOf(['the alpha beta gamma delta epsilon. the alpha beta gamma delta', 'beta gamma delta zeta'], vocabulary);
    const copy = PhraseMemory.deserialize(memory.serialize());
    assert.equal(copy.length, memory.length);
    assert.equal(phraseAfter('so the alpha beta gamma', ' ', copy), phraseAfter('so the alpha beta gamma', ' ', memory));
    assert.equal(phraseAfter('so the alpha beta gamma', ' ', copy), 'delta');
    assert.throws(() => PhraseMemory.deserialize(new TextEncoder().encode('{"format":')), /not valid JSON/);
    assert.throws(() => PhraseMemory.deserialize(new TextEncoder().encode('{"format":"smart-compose-phrases","formatVersion":2,"pieces":["a"],"sequence":[1,2]}')), /malformed sequence/);
    assert.throws(() => PhraseMemory.deserialize(new TextEncoder().encode('{"format":"other"}')), /not smart-compose-phrases/);
  });

  it('holds at most its capacity, and past it offers nothing rather than a stale context', () => {
    const memory = new PhraseMemory(12);
    for (const token of tokenize('one two three four. one two three four. one two three')) if (token.text !== '') memory.pushToken(token.space, token.text);
    assert.equal(continuePhrase(memory, undefined, ' ', 4), undefined);
    for (let i = 0; i < 4; i++) memory.popToken();
    assert.equal(memory.length, 9);
    assert.deepEqual(memory.tail(2), [' three', ' four']);
  });
});

describe('suggestion engine: phrases', () => {
  const corpus = 'The dog bit the man. The man ran home. A cat sat on the mat.'.repeat(10);
  const vocabulary = Vocabulary.build(countTokens([corpus]), { minCount: 1, maxSize: 200 });
  const trigram = KneserNeyTrigram.train([Int32Array.from(vocabulary.encode(tokenize(corpus)))], vocabulary.size, vocabulary.unkId);
  const engine = (minConfidence: number) => new SuggestionEngine(new KneserNeyPredictor(trigram, vocabulary.eosId), vocabulary, { ...DEFAULT_POLICY, minConfidence });

  it('suggests the continuation of a phrase the document wrote before, which the model cannot know', async () => {
    const text = 'At first our robots vacuum floors quietly at dawn. Then the dog bit the man. Now our robots vacuum';
    assert.equal(await engine(0.2).suggest({ document: 'd', textBeforeCursor: `${text} f` }), 'loors quietly at');
    assert.equal(await engine(0.2).suggest({ document: 'fresh', textBeforeCursor: 'Now our robots vacuum f' }), '');
  });

  it('never completes a secret that only its context marks, nor a run of digits inside a word', async () => {
    for (const value of ['hunter2', 'dog']) {
      const text = `x db password = ${value} ok\nlater db password = `;
      const suggestion = await engine(0.05).suggest({ document: `secret-${value}`, textBeforeCursor: text });
      assert.ok(!suggestion.includes(value), `"${suggestion}" after "${text}"`);
    }
    // The phrase itself is there: the same line with a harmless name is continued.
    assert.equal(await engine(0.05).suggest({ document: 'harmless', textBeforeCursor: 'x db colour = hunter2 ok\nlater db colour = ' }), 'hunter2 ok');
    const pin = await engine(0.05).suggest({ document: 'pin', textBeforeCursor: 'x my pin is PIN-4821 ok. so my pin is ' });
    assert.ok(!pin.includes('4821'), `"${pin}"`);
    assert.equal(phraseAfter('and so we pay acct_99812345 monthly. then so we pay', ' a'), undefined);
    assert.equal(phraseAfter('and so we pay acct_12 monthly. then so we pay', ' a'), 'cct_12 monthly.');
  });

  it('shows a phrase written once only while the confidence gate lets even odds through', async () => {
    const text = 'At first our robots vacuum floors quietly at dawn. Then the dog bit the man. Now our robots vacuum';
    assert.notEqual(await engine(0.6).suggest({ document: 'd', textBeforeCursor: `${text} f` }), 'loors quietly at');
  });
});
