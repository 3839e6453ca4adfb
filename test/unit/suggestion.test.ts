import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { KneserNeyTrigram } from '../../src/baseline/kneserNey';
import { tokenize } from '../../src/model/tokenizer';
import { countTokens, Vocabulary } from '../../src/model/vocabulary';
import { DEFAULT_POLICY } from '../../src/suggestion/completionPolicy';
import { DeclinedSuggestions } from '../../src/suggestion/declinedSuggestions';
import { CHECKPOINT_EVERY } from '../../src/suggestion/documentState';
import { SuggestionEngine } from '../../src/suggestion/engine';
import { commonPrefixLength, IncrementalTokenizer } from '../../src/suggestion/incrementalTokenizer';
import { KneserNeyPredictor } from '../../src/suggestion/kneserNeyPredictor';

const CORPUS = [
  'The dog bit the man. The man ran home. The dog slept.',
  'A cat sat on the mat. The dog ran home again.',
  'Call (555) 123 now, or write to me. The end.',
].join('\n').repeat(20);

function trigramEngine(minConfidence = DEFAULT_POLICY.minConfidence, corpus = CORPUS) {
  const vocabulary = Vocabulary.build(countTokens([corpus]), { minCount: 1, maxSize: 200 });
  const ids = Int32Array.from(vocabulary.encode(tokenize(corpus)));
  const trigram = KneserNeyTrigram.train([ids], vocabulary.size, vocabulary.unkId);
  const engine = new SuggestionEngine(new KneserNeyPredictor(trigram, vocabulary.eosId), vocabulary, { ...DEFAULT_POLICY, minConfidence });
  return { engine, vocabulary };
}

describe('incremental tokenizer', () => {
  const vocabulary = Vocabulary.build(countTokens(['the cat sat on the mat. a b c\n\nd e f']), { minCount: 1, maxSize: 100 });
  const full = (text: string) => vocabulary.encode(tokenize(text));
  const alphabet = fc.constantFrom('a', 'b', 't', 'h', 'e', ' ', '\n', '.', ',', '/', ':', '1', '-', "'", '\t', 'é', '語', '😀', '@', 'x');
  const textArbitrary = fc.array(alphabet, { maxLength: 40 }).map((chars) => chars.join(''));

  it('gives the ids of a full tokenization after any sequence of edits, and tells its observer each token with its whitespace (property)', () => {
    // The observer's tokens, each with the whitespace before it, as a full tokenization spaces them.
    const spaced = (text: string) => tokenize(text).filter((t) => t.text !== '').map((t) => t.space + t.text);
    fc.assert(fc.property(textArbitrary, fc.array(fc.tuple(fc.nat(), fc.nat(5), textArbitrary), { maxLength: 8 }), (start, edits) => {
      const observed: string[] = [];
      const tokenizer = new IncrementalTokenizer(vocabulary, { added: (_id, text, _previous, space) => observed.push(space + text), removed: () => observed.pop() });
      let text = start;
      assert.deepEqual([...tokenizer.update(text)], full(text));
      for (const [at, removed, inserted] of edits) {
        const position = text.length === 0 ? 0 : at % (text.length + 1);
        text = text.slice(0, position) + inserted + text.slice(position + removed);
        assert.deepEqual([...tokenizer.update(text)], full(text), JSON.stringify(text));
        assert.deepEqual(observed, spaced(text), JSON.stringify(text));
      }
    }), { numRuns: 400 });
  });

  it('finds the longest common prefix of two texts, at any length and in any block', () => {
    const naive = (a: string, b: string) => { let i = 0; while (i < a.length && i < b.length && a[i] === b[i]) i++; return i; };
    fc.assert(fc.property(fc.nat(9_000), fc.nat(9_000), fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (shared, cut, tailA, tailB) => {
      const common = 'ab'.repeat(shared >> 1);
      const a = common + tailA, b = common.slice(0, Math.min(common.length, cut)) + tailB;
      assert.equal(commonPrefixLength(a, b), naive(a, b));
    }), { numRuns: 300 });
  });

  it('gives the ids of a full tokenization while a text is typed one character at a time', () => {
    const text = 'the cat sat\n\n on the mat.  a b\tc http://x.y/z d\n e';
    const tokenizer = new IncrementalTokenizer(vocabulary);
    for (let i = 0; i <= text.length; i++) assert.deepEqual([...tokenizer.update(text.slice(0, i))], full(text.slice(0, i)));
  });
});

describe('suggestion engine (through the Kneser-Ney predictor)', () => {
  it('completes the sentence after a word: "The dog bit the" -> " man."', async () => {
    const { engine } = trigramEngine();
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'The dog bit the' }), ' man.');
  });

  it('completes the partial word and goes on', async () => {
    const { engine } = trigramEngine();
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'The dog bit the m' }), 'an.');
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'A cat sat on the ma' }), 't.');
  });

  it('adds no space of its own after whitespace', async () => {
    const { engine } = trigramEngine();
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'A cat sat on the ' }), 'mat.');
  });

  it('keeps the case the writer typed and capitalises at a sentence start', async () => {
    const { engine } = trigramEngine();
    const suggestion = await engine.suggest({ document: 'a', textBeforeCursor: 'The man ran home. Th' });
    assert.match(suggestion, /^e /);
  });

  it('capitalises a lowercase word only as often as a capital comes there: mid-sentence "Use J" is "JavaScript"', async () => {
    // After "Use", "javascript" is twice as likely as "JavaScript", but a capital after "Use" only a third of the time.
    const { engine } = trigramEngine(0.2, 'Use javascript here. Use javascript here. Use JavaScript now. '.repeat(10));
    assert.match(await engine.suggest({ document: 'a', textBeforeCursor: 'So. Use J' }), /^avaScript/);
    assert.match(await engine.suggest({ document: 'b', textBeforeCursor: 'So. Use j' }), /^avascript/);
  });

  describe('on a text where "red" comes after "I like" and five words after it, one as often as the next', () => {
    const corpus = 'I like red apples and pears. I like red cars. I like red hats. I like red shoes. I like red pens. We saw blue, then gold. '.repeat(10);
    const engineAt = (minConfidence: number) => trigramEngine(minConfidence, corpus).engine;

    it('adds the space after a word when another word follows it, and not before punctuation', async () => {
      const engine = engineAt(0.3);
      assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'So. I like r' }), 'ed ');
      assert.equal(await engine.suggest({ document: 'b', textBeforeCursor: 'So. We saw bl' }), 'ue, then gold');
    });

    it('prefers the likely short suggestion to a long shot that saves more in expectation', async () => {
      // "ed apples and pears." is right one time in five: 0.2 × 19 characters against about 0.9 × 2 for "ed ".
      const engine = engineAt(0.15);
      assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'So. I like r' }), 'ed ');
    });
  });

  it('adds the space after punctuation that a space follows: "red" -> ", " when a different word comes after the comma every time', async () => {
    const { engine } = trigramEngine(0.2, 'Colors: red, green. Colors: red, blue. Colors: red, pink. Colors: red, gray. '.repeat(10));
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'So. Colors: red' }), ', ');
  });

  it('offers the part that likely words share, at their summed probability: "op" -> "tion" when "option" and "options" are likely', async () => {
    const { engine } = trigramEngine(0.2, 'Set the option now. Set the options now. Set the opaque one. We use configure here. We use configuration here. We use cats here. '.repeat(10));
    // "tion" is right two times in three (either word), "tions" or "tion " one in three.
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'So. Set the op' }), 'tion');
    // After a space: the next word's first letters, "configure" and "configuration" alike.
    assert.equal(await engine.suggest({ document: 'b', textBeforeCursor: 'So. We use ' }), 'configur');
  });

  it('suggests nothing inside a word or when the suggestion only repeats what follows', async () => {
    const { engine } = trigramEngine();
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'The dog bit the m', textAfterCursor: 'xyz' }), '');
    assert.equal(await engine.suggest({ document: 'b', textBeforeCursor: 'The dog bit the', textAfterCursor: ' man.' }), '');
  });

  it('never suggests a placeholder: the phone number class <num> is not shown', async () => {
    const { engine } = trigramEngine();
    const suggestion = await engine.suggest({ document: 'a', textBeforeCursor: 'Call (' });
    assert.ok(!/<\w+>/.test(suggestion), suggestion);
  });

  it('shows nothing when no continuation reaches the confidence gate', async () => {
    const { engine } = trigramEngine(0.99);
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'The ' }), '');
  });

  it('drops a request that a newer one for the same document overtook, and a cancelled one', async () => {
    const { engine } = trigramEngine();
    const first = engine.suggest({ document: 'a', textBeforeCursor: 'The dog bit the' });
    const second = engine.suggest({ document: 'a', textBeforeCursor: 'The dog bit the m' });
    assert.deepEqual(await Promise.all([first, second]), ['', 'an.']);
    assert.equal(await engine.suggest({ document: 'a', textBeforeCursor: 'The dog bit the' }, { isCancellationRequested: true }), '');
  });

  it('gives the same suggestions with a warm cache as from scratch, after edits anywhere', async () => {
    const { engine } = trigramEngine();
    const texts = ['The dog bit the', 'The dog bit the man. The', 'A cat bit the man. The', 'A cat bit the man. The m', 'The dog'];
    for (const text of texts) {
      const warm = await engine.suggest({ document: 'warm', textBeforeCursor: text });
      const cold = await trigramEngine().engine.suggest({ document: 'cold', textBeforeCursor: text });
      assert.equal(warm, cold, text);
    }
  });

  it('suggests after deleting back to a checkpointed position (the state is there, the distribution is not)', async () => {
    const { engine, vocabulary } = trigramEngine();
    const atCheckpoint = 'The dog bit the man. The man ran home. The dog slept.';
    assert.equal(vocabulary.encode(tokenize(atCheckpoint)).length + 1, CHECKPOINT_EVERY, 'the context (<eos> and the text) ends at a checkpoint');
    await engine.suggest({ document: 'a', textBeforeCursor: `${atCheckpoint} A cat sat` });
    const warm = await engine.suggest({ document: 'a', textBeforeCursor: `${atCheckpoint} T` });
    assert.equal(warm, await trigramEngine().engine.suggest({ document: 'cold', textBeforeCursor: `${atCheckpoint} T` }));
  });

  it('searches again when the gate falls with the context unchanged (the back-off lowers it after an accept)', async () => {
    const { engine } = trigramEngine();
    const lowered: string[] = [];
    const fresh: string[] = [];
    for (const text of ['The dog', 'The man', 'A cat sat on the', 'The dog ran']) {
      engine.options = { ...engine.options, minConfidence: 0.6 };
      await engine.suggest({ document: text, textBeforeCursor: text });
      engine.options = { ...engine.options, minConfidence: 0.05 };
      lowered.push(await engine.suggest({ document: text, textBeforeCursor: text }));
      fresh.push(await trigramEngine(0.05).engine.suggest({ document: 'cold', textBeforeCursor: text }));
    }
    assert.deepEqual(lowered, fresh);
  });

  it('reads a word the writer types from the search that predicted it, with no model call, and suggests the same', async () => {
    const { engine, vocabulary } = trigramEngine(0.05);
    const predictor = (engine as unknown as { predictor: KneserNeyPredictor }).predictor;
    let advanced = 0;
    const advance = predictor.advance.bind(predictor);
    predictor.advance = (state, tokens) => { advanced++; return advance(state, tokens); };
    const text = 'The dog bit the man. The man ran home. The dog';
    // Compared with an engine that never saw the text: what the writer typed through is declined (declinedSuggestions.ts)
    // only in the engine that saw it shown, so that memory is emptied before each keystroke here.
    const documents = (engine as unknown as { documents: Map<string, { declined: DeclinedSuggestions }> }).documents;
    for (let i = 1; i <= text.length; i++) {
      const typed = documents.get('typed');
      if (typed) typed.declined = new DeclinedSuggestions();
      const warm = await engine.suggest({ document: 'typed', textBeforeCursor: text.slice(0, i) });
      const cold = await trigramEngine(0.05).engine.suggest({ document: 'cold', textBeforeCursor: text.slice(0, i) });
      assert.equal(warm, cold, text.slice(0, i));
    }
    const words = text.split(' ').length + text.split('.').length - 1;
    assert.ok(advanced < words / 2, `${advanced} model runs for ${words} words and full stops typed (vocabulary ${vocabulary.size})`);
  });

  it('does not show again what the writer typed through instead of taking', async () => {
    const { engine } = trigramEngine(0.05);
    const before = 'The dog bit the man. The dog bit the';
    const shown = await engine.suggest({ document: 'typed', textBeforeCursor: before });
    assert.ok(shown.length >= 3, `a suggestion of a few characters at "${before}": "${shown}"`);
    const typedOn = before + shown[0];
    const fresh = await trigramEngine(0.05).engine.suggest({ document: 'fresh', textBeforeCursor: typedOn });
    assert.ok(fresh.startsWith(shown.slice(1)), `an engine that did not show it suggests its rest: "${fresh}"`);
    const after = await engine.suggest({ document: 'typed', textBeforeCursor: typedOn });
    assert.ok(!after.startsWith(shown.slice(1)), `"${after}" after "${shown}" was typed through`);
  });

  it('handles a 5 MB single-line buffer, binary junk, CJK and emoji without error', async () => {
    const { engine } = trigramEngine();
    const huge = 'x'.repeat(5 * 2 ** 20);
    const started = performance.now();
    assert.equal(typeof await engine.suggest({ document: 'huge', textBeforeCursor: huge }), 'string');
    assert.equal(typeof await engine.suggest({ document: 'huge', textBeforeCursor: huge + 'y' }), 'string');
    assert.ok(performance.now() - started < 5000, 'no pathological slowness');
    const junk = Array.from({ length: 3000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    assert.equal(typeof await engine.suggest({ document: 'junk', textBeforeCursor: junk }), 'string');
    assert.equal(typeof await engine.suggest({ document: 'cjk', textBeforeCursor: '日本語のテキスト 😀👍🏽 The dog bit the' }), 'string');
  });
});
