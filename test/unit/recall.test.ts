import * as assert from 'node:assert/strict';
import { KneserNeyTrigram } from '../../src/baseline/kneserNey';
import { tokenize } from '../../src/model/tokenizer';
import { countTokens, RESERVED_WORDS, URL, Vocabulary } from '../../src/model/vocabulary';
import { DEFAULT_POLICY } from '../../src/suggestion/completionPolicy';
import { SuggestionEngine } from '../../src/suggestion/engine';
import { KneserNeyPredictor } from '../../src/suggestion/kneserNeyPredictor';
import { prefixRange, recallMatches, recallPieces } from '../../src/suggestion/recall';
import { DocumentRecall } from '../../src/suggestion/documentRecall';
import { WorkspaceRecall } from '../../src/suggestion/workspaceRecall';
import { WordCache } from '../../src/suggestion/wordCache';

const CORPUS = [
  'The dog bit the man. The man ran home. See the docs at the site.',
  'A cat sat on the mat. Read more in the guide at the site.',
].join('\n').repeat(20);
const URL_CLASS = RESERVED_WORDS.indexOf(URL);

function engine(workspace?: WorkspaceRecall) {
  const vocabulary = Vocabulary.build(countTokens([CORPUS]), { minCount: 1, maxSize: 200 });
  const trigram = KneserNeyTrigram.train([Int32Array.from(vocabulary.encode(tokenize(CORPUS)))], vocabulary.size, vocabulary.unkId);
  return { engine: new SuggestionEngine(new KneserNeyPredictor(trigram, vocabulary.eosId), vocabulary, DEFAULT_POLICY, { recall: workspace }), vocabulary };
}

describe('recall: the strings behind the placeholders', () => {
  it('completes a URL and a rare word that the document used before', async () => {
    const { engine: e } = engine();
    const before = 'See the docs at https://example.org/quux/guide.html for the dog. The Quuxbridge is home.\n';
    assert.equal(await e.suggest({ document: 'd', textBeforeCursor: `${before}Read https://exa` }), 'mple.org/quux/guide.html');
    assert.equal(await e.suggest({ document: 'd', textBeforeCursor: `${before}The Quux` }), 'bridge');
    // Without the earlier text the model knows neither.
    assert.equal(await e.suggest({ document: 'fresh', textBeforeCursor: 'Read https://exa' }), '');
  });

  it('cuts a URL after a part that several remembered URLs share, with their pooled probability', async () => {
    const { engine: e } = engine();
    const before = 'https://example.org/a/one https://example.org/b/two https://example.org/c/three\n';
    // No single URL is likely enough after "https://ex", but all three start "https://example.org/".
    assert.equal(await e.suggest({ document: 'd', textBeforeCursor: `${before}https://ex` }), 'ample.org/');
  });

  it('forgets what the writer deleted', async () => {
    const { engine: e } = engine();
    const text = 'The Quuxbridge is home. ';
    assert.equal(await e.suggest({ document: 'd', textBeforeCursor: `${text}The Quu` }), 'xbridge');
    assert.equal(await e.suggest({ document: 'd', textBeforeCursor: 'The Zed is home. The Quu' }), '');
  });

  it('never offers back what the secret scrubber would remove', async () => {
    const { engine: e } = engine();
    const token = 'ghp_' + 'Zq7Xv2Lp9Rt4Wm8Kd3Nb6Hc1Fy5Gs0Ja2Ue7'.slice(0, 36);
    const text = `Set GITHUB_TOKEN to ${token} and the dog ran home. Then ${token.slice(0, 6)}`;
    const suggestion = await e.suggest({ document: 'd', textBeforeCursor: text });
    assert.ok(!token.includes(suggestion) || suggestion === '', `suggested "${suggestion}"`);
    // A non-secret URL in the same text is recalled: the test above is not empty by construction.
    assert.equal(await e.suggest({ document: 'e', textBeforeCursor: 'at https://example.org/x/guide then https://exam' }), 'ple.org/x/guide');
  });

  it('suggests workspace strings it never saw in the document, only when given them', async () => {
    const { vocabulary } = engine();
    const workspace = WorkspaceRecall.fromTexts(['Docs: https://docs.quux.dev/start and https://docs.quux.dev/start again.'], vocabulary);
    const { engine: withWorkspace } = engine(workspace);
    const { engine: without } = engine();
    assert.equal(await withWorkspace.suggest({ document: 'd', textBeforeCursor: 'Read https://docs.q' }), 'uux.dev/start');
    assert.equal(await without.suggest({ document: 'd', textBeforeCursor: 'Read https://docs.q' }), '');
  });
});

describe('workspace recall file', () => {
  const { vocabulary } = engine();

  it('keeps strings seen at least twice, round-trips, and rejects a malformed file with a message', () => {
    const recall = WorkspaceRecall.fromTexts(['https://a.example/x https://a.example/x https://b.example/once Quuxbridge', 'Quuxbridge'], vocabulary);
    const texts: string[] = [];
    recall.forEachMatch('', (text) => texts.push(text));
    assert.deepEqual(texts, ['Quuxbridge', 'https://a.example/x']);
    const copy = WorkspaceRecall.deserialize(recall.serialize());
    const copied: string[] = [];
    copy.forEachMatch('https', (text, classId, count) => copied.push(`${text} ${classId} ${count}`));
    assert.deepEqual(copied, [`https://a.example/x ${URL_CLASS} 2`]);
    assert.throws(() => WorkspaceRecall.deserialize(new TextEncoder().encode('{"format":"x"')), /not valid JSON/);
    assert.throws(() => WorkspaceRecall.deserialize(new TextEncoder().encode('{"format":"smart-compose-recall","formatVersion":1,"entries":[["a",9,1]]}')), /malformed entry/);
  });

  it('never keeps a string the secret scrubber removes, however often it occurs', () => {
    const key = 'AKIAZ7XQ3M5N2P4R6T8V';
    const recall = WorkspaceRecall.fromTexts([`${key} ${key} ${key}`], vocabulary);
    assert.equal(recall.size, 0);
  });
});

describe('recall probabilities', () => {
  it('share a class between document and workspace and leave mass for a string never seen', () => {
    const document = new DocumentRecall();
    document.added(URL_CLASS, 'https://a.example/x');
    document.added(URL_CLASS, 'https://a.example/x');
    document.added(URL_CLASS, 'https://b.example/y');
    const matches = recallMatches(document, undefined, 'https://', () => true);
    const shares = Object.fromEntries(matches.map((m) => [m.rest, m.share]));
    // d(s) / (D + α) with α = 1: 2/4 and 1/4; a quarter is left for a URL not seen before.
    assert.deepEqual(shares, { 'a.example/x': 0.5, 'b.example/y': 0.25 });
    const pieces = Object.fromEntries(recallPieces(matches, () => 0.8).map((p) => [p.text, p.mass]));
    assert.ok(Math.abs(pieces['a.example/x'] - 0.4) < 1e-12 && Math.abs(pieces['a.'] - 0.4) < 1e-12);
    document.removed(URL_CLASS, 'https://a.example/x');
    document.removed(URL_CLASS, 'https://a.example/x');
    assert.deepEqual(recallMatches(document, undefined, 'https://a', () => true), []);
  });

  it('finds the range of a sorted array that starts with a prefix', () => {
    const sorted = ['a', 'ab', 'abc', 'abd', 'b', 'ba'];
    assert.deepEqual(prefixRange(sorted, 'ab'), [1, 4]);
    assert.deepEqual(prefixRange(sorted, ''), [0, 6]);
    assert.deepEqual(prefixRange(sorted, 'c'), [6, 6]);
    assert.deepEqual(prefixRange(sorted, 'b'), [4, 6]);
  });
});

describe('word cache', () => {
  it('raises the words the document used, more as the document grows, and forgets deleted ones', () => {
    const cache = new WordCache(10);
    assert.equal(cache.probability(7, 0.01), 0.01);
    cache.added(7, -1);
    const afterOne = cache.probability(7, 0.01);
    for (let i = 0; i < 99; i++) cache.added(8, i === 0 ? 7 : 8);
    assert.ok(afterOne > 0.01, 'a word used once is likelier');
    assert.ok(cache.probability(8, 0.01, 3) > cache.probability(7, 0.01, 3), 'a word used often, more so');
    assert.ok(cache.probability(9, 0.01) < 0.01, 'an unused word gives up some of its probability');
    for (let i = 98; i >= 0; i--) cache.removed(8, i === 0 ? 7 : 8);
    assert.equal(cache.lastToken, 7);
    cache.removed(7, -1);
    assert.equal(cache.probability(7, 0.01), 0.01, 'an empty document again: the model alone');
  });

  it('raises most the word the document put after the same word before, and forgets a pair with its tokens', () => {
    const cache = new WordCache(10);
    const sequence = [3, 4, 5, 6, 3];
    sequence.forEach((id, i) => cache.added(id, i === 0 ? -1 : sequence[i - 1]));
    assert.equal(cache.lastToken, 3);
    // 4 and 5 were each used once; 4 came after 3.
    assert.ok(cache.probability(4, 0.01) > cache.probability(5, 0.01));
    assert.equal(cache.probability(4, 0.01, 5), cache.probability(5, 0.01, 3), 'neither followed the other context');
    assert.deepEqual(cache.followers(3, 2), [4]);
    const more = [4, 6, 9, 6, 9, 6, 2];
    more.forEach((id, i) => cache.added(id, i === 0 ? 3 : more[i - 1]));
    assert.deepEqual(cache.followers(6, 3), [9, 2, 3], 'after 6: 9 twice, then 2 and 3 once each, the lower id first');
    assert.deepEqual(cache.followers(6, 1), [9]);
    for (let i = more.length - 1; i >= 0; i--) cache.removed(more[i], i === 0 ? 3 : more[i - 1]);
    cache.removed(3, 6);
    assert.equal(cache.lastToken, 6);
    assert.deepEqual(cache.followers(6, 2), [], 'the pair went with its last token');
    assert.deepEqual(cache.followers(3, 2), [4]);
  });

  it('settles a close call between two completions for the word the document keeps using', async () => {
    // After "the", "cart" and "card" are equally likely to the trigram, "cart" first by id order.
    const corpus = 'I saw the cart. I saw the card. You got the card. You got the cart.\n'.repeat(20);
    const vocabulary = Vocabulary.build(countTokens([corpus]), { minCount: 1, maxSize: 100 });
    const trigram = KneserNeyTrigram.train([Int32Array.from(vocabulary.encode(tokenize(corpus)))], vocabulary.size, vocabulary.unkId);
    const e = new SuggestionEngine(new KneserNeyPredictor(trigram, vocabulary.eosId), vocabulary, { ...DEFAULT_POLICY, maxWords: 0, minConfidence: 0.3 });
    const plain = await e.suggest({ document: 'fresh', textBeforeCursor: 'We saw the ca' });
    const used = await e.suggest({ document: 'd', textBeforeCursor: 'A card. One card, two card. We saw the ca' });
    const other = await e.suggest({ document: 'e', textBeforeCursor: 'A cart. One cart, two cart. We saw the ca' });
    assert.deepEqual([used, other], ['rd', 'rt'], `without the document: "${plain}"`);
  });
});
