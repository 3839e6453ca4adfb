// Proves the harness: inline completions (ghost text) are requested, shown and accepted in this VS Code, through
// the same commands a user's Tab and Ctrl+Right run. The provider here is a fixed one registered by the test.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  RecordingInlineProvider,
  openFixture,
  putCursorAtEndOfLine,
  revertAndCloseAllEditors,
  runUntilTextChanges,
  screenshot,
  typeText,
  waitFor,
} from './helpers';

const LINE = 'The quick brown fox';

describe('inline completion mechanics (harness)', () => {
  let registration: vscode.Disposable | undefined;
  let provider: RecordingInlineProvider;
  let answer = '';

  beforeEach(async () => {
    // Only the fixed provider answers here: the extension's own would also offer ghost text in Markdown.
    await vscode.workspace.getConfiguration('smartCompose').update('enable', false, vscode.ConfigurationTarget.Global);
    await revertAndCloseAllEditors();
    // The range matters: without one, VS Code replaces from the start of the word at the cursor ("fox"), and a
    // text that does not start with that word is no continuation, so no ghost text appears.
    provider = new RecordingInlineProvider((_document, position) => [
      new vscode.InlineCompletionItem(answer, new vscode.Range(position, position)),
    ]);
    registration = vscode.languages.registerInlineCompletionItemProvider({ language: 'markdown' }, provider);
  });

  afterEach(async () => {
    registration?.dispose();
    registration = undefined;
    await revertAndCloseAllEditors();
    await vscode.workspace.getConfiguration('smartCompose').update('enable', undefined, vscode.ConfigurationTarget.Global);
  });

  /** Puts the cursor at the end of `line`, sets the answer, triggers inline suggestions and waits for the request. */
  async function showGhostText(editor: vscode.TextEditor, line: string, continuation: string): Promise<void> {
    assert.equal(editor.document.languageId, 'markdown');
    const position = putCursorAtEndOfLine(editor, line);
    answer = continuation;
    const before = provider.requests.length;
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await waitFor(
      () => provider.requests.slice(before).find((r) => r.document === editor.document && r.position.isEqual(position)),
      { message: `the inline-completion provider to be asked at ${position.line + 1}:${position.character + 1}` },
    );
  }

  it('commit (Tab) inserts the whole suggestion', async () => {
    const editor = await openFixture('README.md');
    const lines = editor.document.lineCount;
    await showGhostText(editor, LINE, ' jumps over the lazy dog');
    await screenshot('ghost-text');
    await runUntilTextChanges(editor.document, 'editor.action.inlineSuggest.commit');
    assert.equal(editor.document.lineAt(cursorLine(editor)).text, 'The quick brown fox jumps over the lazy dog');
    assert.equal(editor.document.lineCount, lines, 'no line was added or removed');
    assert.ok(editor.selection.active.isEqual(editor.document.lineAt(cursorLine(editor)).range.end), 'the cursor is after the insertion');
  });

  it('acceptNextWord (Ctrl+Right) inserts one word only', async () => {
    const editor = await openFixture('README.md');
    putCursorAtEndOfLine(editor, LINE);
    // As a user would: type the space, then the suggestion continues with a word. (After a word, a suggestion
    // starting with a space is accepted by acceptNextWord in two steps: the space, then the word.)
    await typeText(' ');
    await showGhostText(editor, `${LINE} `, 'jumps over the lazy dog');
    await runUntilTextChanges(editor.document, 'editor.action.inlineSuggest.acceptNextWord');
    assert.equal(editor.document.lineAt(cursorLine(editor)).text, 'The quick brown fox jumps');
  });
});

/** The line the cursor is on. */
function cursorLine(editor: vscode.TextEditor): number {
  return editor.selection.active.line;
}
