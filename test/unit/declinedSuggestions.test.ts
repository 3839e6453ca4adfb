import * as assert from 'node:assert/strict';
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
