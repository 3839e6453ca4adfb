import * as assert from 'node:assert/strict';
import { DEFAULT_POLICY, PolicyOptions } from '../../src/suggestion/completionPolicy';
import { Cancellation, Suggester, SuggestionRequest } from '../../src/suggestion/engine';
import { BackOff, TYPED_OVER_LIMIT } from '../../src/provider/backOff';
import { commentSyntaxOf, endsInsideComment } from '../../src/provider/commentSyntax';
import { ComposeController, ComposeSettings } from '../../src/provider/composeController';
import { isSuggestionPosition, scopeOf, ScopeSettings } from '../../src/provider/scope';

const DEFAULTS: ScopeSettings = { languages: {}, suggestInCode: false };

function inComment(languageId: string, text: string): boolean {
  return endsInsideComment(text, commentSyntaxOf(languageId)!);
}

describe('provider: where suggestions are made', () => {
  it('prose languages everywhere, code with comment syntax in comments, others off', () => {
    for (const id of ['markdown', 'plaintext', 'restructuredtext', 'asciidoc', 'latex', 'scminput']) {
      assert.equal(scopeOf(id, DEFAULTS), 'everywhere', id);
    }
    assert.equal(scopeOf('typescript', DEFAULTS), 'comments');
    assert.equal(scopeOf('python', DEFAULTS), 'comments');
    assert.equal(scopeOf('json', DEFAULTS), 'off');
    assert.equal(scopeOf('typescript', { ...DEFAULTS, suggestInCode: true }), 'everywhere');
  });

  it('smartCompose.languages: an object overrides the defaults, an array names the only languages', () => {
    assert.equal(scopeOf('markdown', { ...DEFAULTS, languages: { markdown: false } }), 'off');
    assert.equal(scopeOf('json', { ...DEFAULTS, languages: { json: true } }), 'everywhere');
    assert.equal(scopeOf('python', { ...DEFAULTS, languages: { python: true } }), 'comments');
    assert.equal(scopeOf('constructor', { ...DEFAULTS, languages: {} }), 'off', 'no inherited object keys');
    assert.equal(scopeOf('plaintext', { ...DEFAULTS, languages: ['markdown'] }), 'off');
    assert.equal(scopeOf('markdown', { ...DEFAULTS, languages: ['markdown'] }), 'everywhere');
  });

  it('finds line and block comments, not markers inside strings', () => {
    assert.equal(inComment('typescript', 'const a = 1; // The dog'), true);
    assert.equal(inComment('typescript', 'const a = 1; // done\nconst b = '), false);
    assert.equal(inComment('typescript', 'const s = "http://example"; f('), false);
    assert.equal(inComment('typescript', 'const s = "a \\" // b'), false, 'escaped quote keeps the string open');
    assert.equal(inComment('typescript', '/**\n * The dog bit'), true);
    assert.equal(inComment('typescript', '/* done */ const x'), false);
    assert.equal(inComment('typescript', 'const t = `line\n// not a comment'), false, 'template literals span lines');
    assert.equal(inComment('typescript', "const c = 'it''s'; // yes"), true);
    assert.equal(inComment('python', 'x = "#" # note'), true);
    assert.equal(inComment('python', 'x = "#"'), false);
    assert.equal(inComment('lua', '--[[ long\ncomment'), true);
    assert.equal(inComment('lua', '--[[ long ]] x = 1'), false);
    assert.equal(inComment('html', '<p>text <!-- note'), true);
    assert.equal(inComment('rust', "fn f<'a>(x: &'a str) { // note"), true, "a lifetime's quote opens no string");
    assert.equal(isSuggestionPosition('typescript', 'The dog bit the', DEFAULTS), false);
    assert.equal(isSuggestionPosition('typescript', '// The dog bit the', DEFAULTS), true);
    assert.equal(isSuggestionPosition('markdown', 'The dog bit the', DEFAULTS), true);
  });
});

describe('provider: back-off', () => {
  function typeOver(backOff: BackOff, times: number): void {
    for (let i = 0; i < times; i++) {
      backOff.show('doc', `text ${i}`, ' suggested words');
      backOff.observe('doc', `text ${i} something else`);
    }
  }

  it('raises the gate only after TYPED_OVER_LIMIT suggestions in a row typed over, more with each', () => {
    const backOff = new BackOff();
    typeOver(backOff, TYPED_OVER_LIMIT - 1);
    assert.equal(backOff.gate(0.2), 0.2);
    typeOver(backOff, 1);
    const first = backOff.gate(0.2);
    assert.ok(first > 0.2);
    typeOver(backOff, 1);
    assert.ok(backOff.gate(0.2) > first);
    typeOver(backOff, 50);
    assert.ok(backOff.gate(0.2) <= 0.95);
  });

  it('recovers on an accept: the whole suggestion, or a part of it ending at a word end', () => {
    for (const accepted of [' suggested words', ' suggested']) {
      const backOff = new BackOff();
      typeOver(backOff, TYPED_OVER_LIMIT + 2);
      backOff.show('doc', 'Hello', ' suggested words');
      backOff.observe('doc', `Hello${accepted}`);
      assert.equal(backOff.typedOver, 0, accepted);
      assert.equal(backOff.gate(0.2), 0.2);
    }
  });

  it('typing the suggestion through is neither an accept nor a typing over until it is decided', () => {
    const backOff = new BackOff();
    typeOver(backOff, 2);
    backOff.show('doc', 'Hello', ' suggested words');
    backOff.observe('doc', 'Hello ');
    backOff.observe('doc', 'Hello sugg');
    assert.equal(backOff.typedOver, 2);
    backOff.observe('doc', 'Hello suggx');
    assert.equal(backOff.typedOver, 3);
    backOff.show('doc', 'Hi', ' there');
    backOff.observe('doc', 'H');
    assert.equal(backOff.typedOver, 3, 'deleting or moving away is not typing over');
  });
});

class FakeSuggester implements Suggester {
  readonly requests: Array<{ request: SuggestionRequest; options: PolicyOptions }> = [];
  options: PolicyOptions = DEFAULT_POLICY;
  constructor(private readonly answer: string) {}
  async suggest(request: SuggestionRequest, _cancellation?: Cancellation): Promise<string> {
    this.requests.push({ request, options: this.options });
    return this.answer;
  }
  forget(): void {}
}

describe('provider: compose controller', () => {
  const settings: ComposeSettings = { ...DEFAULTS, minConfidence: null, maxWords: 3 };
  const request = (textBeforeCursor: string, languageId = 'markdown') => ({ document: 'doc', languageId, textBeforeCursor, textAfterCursor: '' });

  it('asks the engine with the settings, also while its ghost text is typed (the engine declines what is typed through)', async () => {
    const controller = new ComposeController();
    const suggester = new FakeSuggester(' man in the park');
    let loads = 0;
    const engine = async () => { loads++; return { suggester, policy: { ...DEFAULT_POLICY, minConfidence: 0.3 } }; };
    assert.deepEqual(await controller.suggest(request('The dog bit the'), settings, engine), { text: ' man in the park', source: 'engine' });
    assert.equal(suggester.requests[0]!.options.minConfidence, 0.3, "null: the model's gate");
    assert.equal(suggester.requests[0]!.options.maxWords, 3);
    await controller.suggest(request('The dog bit the ma'), { ...settings, minConfidence: 0.5 }, engine);
    assert.equal(suggester.requests.length, 2);
    assert.equal(suggester.requests[1]!.request.textBeforeCursor, 'The dog bit the ma');
    assert.equal(suggester.requests[1]!.options.minConfidence, 0.5);
    assert.equal(loads, 2);
  });

  it('does not load the model where no suggestion may be shown', async () => {
    const controller = new ComposeController();
    let loads = 0;
    const engine = async () => { loads++; return undefined; };
    assert.deepEqual(await controller.suggest(request('const x = 1', 'typescript'), settings, engine), { text: '', source: 'not here' });
    assert.equal(loads, 0);
    assert.deepEqual(await controller.suggest(request('// a note', 'typescript'), settings, engine), { text: '', source: 'no model' });
    assert.equal(loads, 1);
    for (const document of ['file:///home/me/project/.env', 'file:///home/me/project/config/.env.local', 'file:///home/me/.npmrc', 'file:///c%3A/keys/server.pem']) {
      assert.deepEqual(await controller.suggest({ ...request('API_URL=https://example.org and the'), document }, settings, engine), { text: '', source: 'not here' }, document);
    }
    assert.equal(loads, 1, 'nor in files that hold secrets by nature');
    assert.deepEqual(await controller.suggest({ ...request('The dog bit the'), document: 'file:///home/me/project/env-notes.md' }, settings, engine), { text: '', source: 'no model' });
  });

  it('raises the gate it passes to the engine after suggestions are typed over', async () => {
    const controller = new ComposeController();
    const suggester = new FakeSuggester(' xyz');
    const engine = async () => ({ suggester, policy: DEFAULT_POLICY });
    let text = 'Start';
    for (let i = 0; i <= TYPED_OVER_LIMIT; i++) {
      await controller.suggest(request(text), settings, engine);
      text += ' abc';
    }
    await controller.suggest(request(text), settings, engine);
    const gates = suggester.requests.map((r) => r.options.minConfidence);
    assert.equal(gates[0], DEFAULT_POLICY.minConfidence);
    assert.ok(gates[gates.length - 1]! > DEFAULT_POLICY.minConfidence, gates.join(', '));
  });
});
