import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  completeWithCase,
  detokenize,
  isTrailingSpace,
  joinSpacing,
  partialWordAtCursor,
  tokenize,
  type Token,
  type TokenKind,
} from '../../src/model/tokenizer';

const texts = (text: string): string[] => tokenize(text).map((token) => token.text);
const single = (text: string): Token => {
  const tokens = tokenize(text);
  assert.equal(tokens.length, 1, `${JSON.stringify(text)} gave ${JSON.stringify(tokens)}`);
  return tokens[0];
};

/** Any UTF-16 code unit, so lone and mismatched surrogates occur. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
/** Pieces of what people actually type, including the places tokenizers usually get wrong. */
const realisticPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('the', 'The', 'dog', 'API', 'don', 't', 'state', 'of', 'e', 'g', 'x86_64', 'camelCase', 'vscode', 'window', 'é', 'Ünïcödé') },
  { weight: 5, arbitrary: fc.constantFrom(' ', ' ', '  ', '\t', '\u00a0', '\u3000') },
  { weight: 3, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\u2028') },
  { weight: 4, arbitrary: fc.constantFrom('.', ',', ';', ':', '!', '?', "'", '’', '"', '“', '”', '(', ')', '-', '—', '...', '/', '\\', '@', '#', '*', '`', '%', '$', '+', '~', '_') },
  { weight: 2, arbitrary: fc.constantFrom('2026', '3.14', '1,000', '0x1F', '5th', '12:30') },
  { weight: 2, arbitrary: fc.constantFrom('https://example.com/a?b=1', 'www.example.org', 'jane@example.com', '/usr/bin', './src/a.ts', 'C:\\Users', 'src/model/x.ts') },
  { weight: 2, arbitrary: fc.constantFrom('我', '们', '学', 'カ', 'ー', 'ひ', '한', '글', '。', '、') },
  { weight: 2, arbitrary: fc.constantFrom('😀', '👨‍👩‍👧‍👦', '🇯🇵', '👍🏽', '❤️', '1️⃣', '#️⃣', '\u200d', '\ufe0f', '\u0301', '🏴󠁧󠁢󠁳󠁣󠁴󠁿') },
  { weight: 1, arbitrary: codeUnit },
);
const realisticText = fc.array(realisticPiece, { maxLength: 60 }).map((pieces) => pieces.join(''));

const LINE_BREAK_RUN = /^[\n\r\u2028\u2029](?:[^\S\n\r\u2028\u2029]*[\n\r\u2028\u2029])*$/;
const HORIZONTAL_SPACE = /^[^\S\n\r\u2028\u2029]*$/;

function assertWellFormed(text: string): void {
  const tokens = tokenize(text);
  assert.equal(detokenize(tokens), text);
  tokens.forEach((token, index) => {
    assert.match(token.space, HORIZONTAL_SPACE, `space of token ${index}`);
    if (isTrailingSpace(token)) {
      assert.equal(index, tokens.length - 1, 'only the last token may have empty text');
      assert.notEqual(token.space, '');
    } else if (token.kind === 'newline' || token.kind === 'paragraph') {
      assert.match(token.text, LINE_BREAK_RUN, `token ${index}`);
    } else {
      assert.doesNotMatch(token.text, /\s/u, `token ${index} ${JSON.stringify(token.text)} contains whitespace`);
    }
  });
}

describe('tokenizer', () => {
  describe('round trip: detokenize(tokenize(text)) === text', () => {
    it('holds for arbitrary code points across the whole Unicode range', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), assertWellFormed), { numRuns: 2000 });
    });

    it('holds for arbitrary UTF-16, lone surrogates included', () => {
      fc.assert(fc.property(fc.string({ unit: codeUnit, maxLength: 200 }), assertWellFormed), { numRuns: 2000 });
    });

    it('holds for realistic text: words, spacing, CRLF, punctuation, URLs, CJK, emoji sequences', () => {
      fc.assert(fc.property(realisticText, assertWellFormed), { numRuns: 5000 });
    });

    it('keeps lone surrogates and unpaired marks as tokens of their own', () => {
      const text = '\ud800x\udc00 \u0301a \udbff';
      assert.equal(detokenize(tokenize(text)), text);
      assert.deepEqual(texts(text), ['\ud800', 'x', '\udc00', '\u0301', 'a', '\udbff']);
    });

    it('stays linear on long adversarial runs', function () {
      this.timeout(60_000);
      // Linear means 4x the text takes about 4x the time; a quadratic scan takes 16x. A ratio measured in one
      // run holds on a busy machine, where a time limit would not; the best of five damps the noise (with the best
      // of two, a clean-clone CI run once measured 8.4x for "C:\\a."; 10 is still well below 16).
      const fastest = (text: string) => {
        let best = Infinity;
        for (let i = 0; i < 5; i++) {
          const start = process.hrtime.bigint();
          const tokens = tokenize(text);
          best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
          assert.equal(detokenize(tokens), text);
        }
        return best;
      };
      const runs = ['a+', 'a%', '@a', '.-', '\u0301', '我', 'a.', 'a-', '/a', '1,', 'C:\\a.', 'x/y/z.ts.', 'http://a.', '💩', 'e.g.'];
      for (const run of runs) {
        const short = run.repeat(Math.ceil(12_500 / run.length));
        tokenize(short); // compiled before it is timed
        const ratio = fastest(short.repeat(4)) / Math.max(fastest(short), 0.5);
        assert.ok(ratio < 10, `${JSON.stringify(run)}: 4x the text took ${ratio.toFixed(1)}x the time`);
      }
    });
  });

  describe('tokens', () => {
    it('splits a plain sentence into words and attached punctuation', () => {
      assert.deepEqual(tokenize('The dog bit the man.'), [
        { text: 'The', space: '', kind: 'word' },
        { text: 'dog', space: ' ', kind: 'word' },
        { text: 'bit', space: ' ', kind: 'word' },
        { text: 'the', space: ' ', kind: 'word' },
        { text: 'man', space: ' ', kind: 'word' },
        { text: '.', space: '', kind: 'punct' },
      ]);
    });

    it('keeps the exact spacing, and trailing whitespace in a final empty token', () => {
      assert.deepEqual(tokenize('a\t b  '), [
        { text: 'a', space: '', kind: 'word' },
        { text: 'b', space: '\t ', kind: 'word' },
        { text: '', space: '  ', kind: 'other' },
      ]);
      assert.deepEqual(tokenize('   '), [{ text: '', space: '   ', kind: 'other' }]);
      assert.deepEqual(tokenize(''), []);
    });

    it('makes a line break a newline token and a blank line a paragraph token', () => {
      assert.deepEqual(tokenize('one  \ntwo\r\n\r\nthree\n \t\n\tfour'), [
        { text: 'one', space: '', kind: 'word' },
        { text: '\n', space: '  ', kind: 'newline' },
        { text: 'two', space: '', kind: 'word' },
        { text: '\r\n\r\n', space: '', kind: 'paragraph' },
        { text: 'three', space: '', kind: 'word' },
        { text: '\n \t\n', space: '', kind: 'paragraph' },
        { text: 'four', space: '\t', kind: 'word' },
      ]);
    });

    it('keeps contractions, hyphenated compounds, abbreviations and identifiers whole', () => {
      for (const word of ["don't", 'O’Brien', 'state-of-the-art', 'e.g.', 'U.S.', 'i.e', 'vscode.window', 'node.js', 'snake_case_2', 'camelCase', 'x86_64', '__init__', 'naïve', 'e\u0301te\u0301']) {
        assert.deepEqual(single(word), { text: word, space: '', kind: 'word' }, word);
      }
      assert.deepEqual(texts('e.g., see U.S. law.'), ['e.g.', ',', 'see', 'U.S.', 'law', '.']);
      assert.deepEqual(texts("'tis the dogs' bone"), ["'", 'tis', 'the', 'dogs', "'", 'bone']);
    });

    it('makes numbers one token each, without the sentence punctuation after them', () => {
      for (const number of ['2026', '3.14', '1,000', '1,000,000.50', '2026-01-15', '12:30', '1/2', '5th', '100px', '0x1F', '1e-3', "1990's", '٣٤']) {
        assert.deepEqual(single(number), { text: number, space: '', kind: 'number' }, number);
      }
      assert.deepEqual(texts('In 2026, 3.5% of 1,000.'), ['In', '2026', ',', '3.5', '%', 'of', '1,000', '.']);
      assert.deepEqual(texts('$5 -3 +4'), ['$', '5', '-', '3', '+', '4']);
    });

    it('makes URLs and e-mail addresses one token each, leaving trailing punctuation outside', () => {
      const cases: [string, TokenKind][] = [
        ['https://example.com/a/b?x=1&y=2#frag', 'url'],
        ['http://localhost:8080/', 'url'],
        ['www.example.org/path', 'url'],
        ['vscode://file/x', 'url'],
        ['jane.doe+news@example.co.uk', 'email'],
      ];
      for (const [text, kind] of cases) assert.deepEqual(single(text), { text, space: '', kind }, text);
      assert.deepEqual(texts('(see https://example.com/a.)'), ['(', 'see', 'https://example.com/a', '.', ')']);
      assert.deepEqual(texts('Mail jane@example.com, or www.example.org.'), ['Mail', 'jane@example.com', ',', 'or', 'www.example.org', '.']);
      // Markdown's linked badge: the ")](" between two URLs ends the first; a URL keeps only balanced parentheses.
      assert.deepEqual(texts('[![npm](https://img.io/v.svg)](https://npm.im/x)'), ['[', '!', '[', 'npm', ']', '(', 'https://img.io/v.svg', ')', ']', '(', 'https://npm.im/x', ')']);
      assert.deepEqual(texts('see https://en.wikipedia.org/wiki/Foo_(bar), or [x](https://a.io/b)'), ['see', 'https://en.wikipedia.org/wiki/Foo_(bar)', ',', 'or', '[', 'x', ']', '(', 'https://a.io/b', ')']);
    });

    it('makes file paths one token each, but not "and/or"', () => {
      for (const path of ['/usr/local/bin', './src/a.ts', '../x/y', '~/notes.md', 'C:\\Users\\me\\file.txt', 'C:/Windows', '\\\\server\\share\\dir', 'src/model/tokenizer.ts', 'docs/a/b', '.vscode/settings.json']) {
        assert.deepEqual(single(path), { text: path, space: '', kind: 'path' }, path);
      }
      assert.deepEqual(texts('Edit /etc/hosts.'), ['Edit', '/etc/hosts', '.']);
      assert.deepEqual(texts('and/or him/her TCP/IP 24/7'), ['and', '/', 'or', 'him', '/', 'her', 'TCP', '/', 'IP', '24/7']);
    });

    it('makes each Han, Kana and Hangul character a token, and each emoji sequence one token', () => {
      assert.deepEqual(
        tokenize('我们是学生。カタカナー한글').map((token) => `${token.kind}:${token.text}`),
        ['cjk:我', 'cjk:们', 'cjk:是', 'cjk:学', 'cjk:生', 'punct:。', 'cjk:カ', 'cjk:タ', 'cjk:カ', 'cjk:ナ', 'cjk:ー', 'cjk:한', 'cjk:글'],
      );
      for (const emoji of ['😀', '👨‍👩‍👧‍👦', '🇯🇵', '👍🏽', '❤️', '1️⃣', '#️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🧑🏿‍🚀']) {
        assert.deepEqual(single(emoji), { text: emoji, space: '', kind: 'emoji' }, emoji);
      }
      assert.deepEqual(texts('ok😀👍🏽!'), ['ok', '😀', '👍🏽', '!']);
      assert.equal(single('©').kind, 'symbol');
    });

    it('makes every emoji-presentation character an emoji token', () => {
      for (let code = 0; code <= 0x10ffff; code++) {
        if (code >= 0xd800 && code <= 0xdfff) continue;
        const char = String.fromCodePoint(code);
        if (/\p{Emoji_Presentation}/u.test(char)) assert.equal(single(char).kind, 'emoji', `U+${code.toString(16)}`);
      }
    });

    it('keeps runs of dots and dashes whole and other punctuation single', () => {
      assert.deepEqual(texts('wait... what -- no—yes?!'), ['wait', '...', 'what', '--', 'no', '—', 'yes', '?', '!']);
    });
  });

  describe('joinSpacing', () => {
    const join = (words: string[]): string => words.map((word, i) => joinSpacing(words[i - 1], word) + word).join('');

    it('spaces words and attaches punctuation the way English is written', () => {
      assert.equal(join(['The', 'dog', ',', 'the', 'cat', '(', 'a', 'pet', ')', 'and', 'I', '.', 'Yes', '!']), 'The dog, the cat (a pet) and I. Yes!');
      assert.equal(join(['costs', '$', '5', ',', 'or', '50', '%', 'off', '...', 'maybe', '?']), 'costs $5, or 50% off... maybe?');
      assert.equal(join(['and', '/', 'or', '—', 'then', '#', 'tag', '@', 'name']), 'and/or—then #tag @name');
      assert.equal(join(['He', 'said', ',', '“', 'Hi', '”', '.']), 'He said, “Hi”.');
    });

    it('adds nothing at the start, around line breaks, or between CJK characters', () => {
      assert.equal(joinSpacing(undefined, 'The'), '');
      assert.equal(joinSpacing('end', '\n'), '');
      assert.equal(joinSpacing('\n\n', 'Next'), '');
      assert.equal(join(['我', '们', '。', '好']), '我们。好');
    });

    it('treats a straight quote as closing after a word and as opening after a comma', () => {
      assert.equal(join(['He', 'said', ',', '"', 'Hi', '"', '.']), 'He said, "Hi".');
      assert.equal(joinSpacing('"', 'and', ''), ' ', 'a quote that followed a word closed');
      assert.equal(joinSpacing('"', 'Hi', ' '), '', 'a quote that followed a space opened');
    });
  });

  describe('partialWordAtCursor', () => {
    const cases: [string, string, string][] = [
      ['The dog bit the', 'The dog bit ', 'the'],
      ['The dog ', 'The dog ', ''],
      ['', '', ''],
      ['The end.', 'The end.', ''],
      ['see e.g.', 'see ', 'e.g.'],
      ['see e.g., ', 'see e.g., ', ''],
      ['I don', 'I ', 'don'],
      ["I don'", 'I ', "don'"],
      ['a state-of-', 'a ', 'state-of-'],
      ['(hel', '(', 'hel'],
      ['Line\n', 'Line\n', ''],
      ['Line\nNe', 'Line\n', 'Ne'],
      ['costs 12', 'costs ', '12'],
      ['open https://exa', 'open ', 'https://exa'],
      ['[![npm](https://img.io/v.svg)](h', '[![npm](https://img.io/v.svg)](', 'h'],
      ['我们', '我们', ''],
      ['ok 😀', 'ok 😀', ''],
      ['use vscode.win', 'use ', 'vscode.win'],
    ];
    for (const [text, complete, prefix] of cases) {
      it(`${JSON.stringify(text)} → complete ${JSON.stringify(complete)}, prefix ${JSON.stringify(prefix)}`, () => {
        assert.deepEqual(partialWordAtCursor(text), { complete, prefix });
      });
    }

    /** The same split computed from a tokenization of the whole text. */
    function fromWholeText(text: string): { complete: string; prefix: string } {
      const tokens = tokenize(text);
      const last = tokens[tokens.length - 1];
      const beforeLast = tokens[tokens.length - 2];
      let prefix = '';
      if (last !== undefined && ['word', 'number', 'url', 'path', 'email'].includes(last.kind)) prefix = last.text;
      else if (last !== undefined && ["'", '’', '-'].includes(last.text) && last.space === '' && beforeLast?.kind === 'word') prefix = beforeLast.text + last.text;
      return { complete: text.slice(0, text.length - prefix.length), prefix };
    }

    it('agrees with tokenizing the whole text, though it only looks after the last whitespace', () => {
      fc.assert(
        fc.property(realisticText, (text) => {
          const split = partialWordAtCursor(text);
          assert.equal(split.complete + split.prefix, text);
          assert.deepEqual(split, fromWholeText(text));
        }),
        { numRuns: 5000 },
      );
    });
  });

  describe('completeWithCase', () => {
    it('keeps vocabulary case, capitalises after a capital, and never re-cases typed letters', () => {
      assert.equal(completeWithCase('the', 'th'), 'the');
      assert.equal(completeWithCase('the', 'Th'), 'The');
      assert.equal(completeWithCase('The', 'Th'), 'The');
      assert.equal(completeWithCase('école', 'Éc'), 'École');
      assert.equal(completeWithCase('API', 'AP'), 'API');
      assert.equal(completeWithCase('API', 'ap'), undefined);
      assert.equal(completeWithCase('the', 'TH'), undefined);
      assert.equal(completeWithCase('then', 'Tx'), undefined);
      assert.equal(completeWithCase('anything', ''), 'anything');
    });
  });
});
