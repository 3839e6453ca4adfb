import * as assert from 'node:assert/strict';
import { bestCandidate } from '../../src/suggestion/completionPolicy';
import { DeclinedSuggestions } from '../../src/suggestion/declinedSuggestions';

describe('declined suggestions (typed through instead of taken)', () => {
  it('a character typed inside a word of the ghost text declines its rest, for as long as the writer goes on typing it', () => {
    const memory = new DeclinedSuggestions();
    memory.shownAt('The maximum w', 'idth of the');
    assert.deepEqual(memory.remaindersAt('The maximum w'), [], 'asked again where it was shown: nothing declined yet');
    assert.deepEqual(memory.remaindersAt('The maximum wi'), ['dth of the']);
    assert.deepEqual(memory.remaindersAt('The maximum wid'), ['th of the']);
    assert.deepEqual(memory.remaindersAt('The maximum width'), [' of the'], 'declined once, declined at a word end too');
    assert.deepEqual(memory.remaindersAt('The maximum width\n'), [], 'the text left it');
    assert.deepEqual(memory.remaindersAt('The maximum width'), [], 'and it is forgotten');
  });

  it('typing to the end of a word of it may be accept-next-word: that declines nothing', () => {
    const memory = new DeclinedSuggestions();
    memory.shownAt('Run npm', ' install --save');
    assert.deepEqual(memory.remaindersAt('Run npm install'), []);
    assert.deepEqual(memory.remaindersAt('Run npm install -'), ['-save']);
  });

  it('forgets a suggestion that was taken whole, and one shown in other text', () => {
    const memory = new DeclinedSuggestions();
    memory.shownAt('a b', 'cd');
    assert.deepEqual(memory.remaindersAt('a bcd'), []);
    assert.deepEqual(memory.remaindersAt('a bc'), [], 'taken: not remembered any more');
    memory.shownAt('x y', 'zz');
    assert.deepEqual(memory.remaindersAt('q yz'), [], 'the text before it changed');
    memory.shownAt('ignored', '');
    assert.deepEqual(memory.remaindersAt('ignoredx'), [], 'no ghost text, nothing to decline');
  });

  it('remembers the last sixteen suggestions', () => {
    const memory = new DeclinedSuggestions();
    for (let i = 0; i < 17; i++) memory.shownAt('abc', `d${'e'.repeat(i + 1)}`);
    assert.equal(memory.remaindersAt('abcd').length, 16);
  });
});

describe('the policy after a decline (bestCandidate)', () => {
  it('drops what starts with a declined rest and raises the others by 1 / (1 - P(rest)); a start of it keeps its probability', () => {
    const candidates = [
      { text: 'man in the park', probability: 0.5 },
      { text: 'man', probability: 0.55 },
      { text: 'dog', probability: 0.3 },
    ];
    assert.equal(bestCandidate(candidates, [], 0.2)?.text, 'man in the park');
    const chosen = bestCandidate(candidates, ['man in the park'], 0.2);
    assert.equal(chosen?.text, 'dog', '0.6^2 x 2 beats 0.55^2 x 2');
    assert.ok(Math.abs(chosen!.probability - 0.6) < 1e-12);
    assert.deepEqual(bestCandidate([{ text: 'man in', probability: 0.5 }, { text: 'man in the park', probability: 0.45 }], ['man in the park'], 0.1),
      { text: 'man in', probability: 0.5 });
    assert.equal(bestCandidate([{ text: 'ab', probability: 1 }, { text: 'cd', probability: 0.0001 }], ['ab'], 0.05)?.text, 'cd', 'a certain rest still leaves the others some share');
  });
});
