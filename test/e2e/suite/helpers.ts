// Helpers for the end-to-end tests, which run inside VS Code's extension host (desktop VS Code, or code-server
// through scripts/e2e/code-server-vscode.mjs). Shared by every *.test.ts here.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SmartComposeTestApi } from '../../../src/extension';
import type { Answer } from '../../../src/provider/inlineProvider';

export const EXTENSION_ID = 'smart-compose.smart-compose';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** Milliseconds before giving up (default 10 000). */
  timeout?: number;
  /** Milliseconds between checks (default 25). */
  interval?: number;
  /** What was awaited, for the failure message. */
  message?: string;
}

/** Polls `condition` until it returns a truthy value, and returns that value; throws after `timeout`. */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? 10_000;
  const interval = options.interval ?? 25;
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > timeout) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${options.message ?? 'a condition'}${reason}`);
    }
    await sleep(interval);
  }
}

/** The extension under test, activated. */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded (is --extensionDevelopmentPath the repository?)`);
  await extension.activate();
  return extension;
}

/** The folder the tests opened: a fresh copy of test/e2e/fixture. */
export function fixtureFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no folder is open: runTests passes the fixture folder as a launch argument');
  return folder.uri;
}

/** Opens a file of the fixture folder in an editor that has the focus. */
export async function openFixture(relativePath: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(fixtureFolder(), relativePath);
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { preview: false, preserveFocus: false });
  await waitFor(() => vscode.window.activeTextEditor?.document === document, { message: `${relativePath} to be the active editor` });
  return editor;
}

/** The number of the first line whose text is exactly `text`. */
export function lineNumberOf(document: vscode.TextDocument, text: string): number {
  for (let line = 0; line < document.lineCount; line++) {
    if (document.lineAt(line).text === text) return line;
  }
  throw new Error(`no line ${JSON.stringify(text)} in ${document.uri.fsPath}`);
}

/** Puts the cursor at the end of the line with that text (or that line number), and scrolls it into view. */
export function putCursorAtEndOfLine(editor: vscode.TextEditor, line: number | string): vscode.Position {
  const number = typeof line === 'number' ? line : lineNumberOf(editor.document, line);
  const position = editor.document.lineAt(number).range.end;
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position));
  return position;
}

/** Types text into the active editor as the keyboard would (through the `type` command), one character at a time. */
export async function typeText(text: string, delayMs = 0): Promise<void> {
  for (const character of text) {
    await vscode.commands.executeCommand('type', { text: character });
    if (delayMs > 0) await sleep(delayMs);
  }
}

/**
 * Puts all of `text` but its last character at the cursor in one edit, then types that character. Typed one by
 * one at machine speed, a sentence would show and type over a suggestion at many keystrokes, and the provider's
 * back-off (it raises the confidence gate after three suggestions in a row typed over) would then hide the very
 * suggestion a test waits for.
 */
export async function pasteThenType(editor: vscode.TextEditor, text: string): Promise<void> {
  const head = text.slice(0, -1);
  if (head) {
    const at = editor.selection.active;
    await editor.edit((edit) => edit.insert(at, head));
    const end = editor.document.positionAt(editor.document.offsetAt(at) + head.length);
    editor.selection = new vscode.Selection(end, end);
  }
  await typeText(text.slice(-1));
}

/**
 * Runs an inline-suggestion command (commit, acceptNextWord, ...) until the document's text changes: the ghost
 * text can become visible a moment after the provider answered, and before that the command does nothing.
 * Returns the document's new text.
 */
export async function runUntilTextChanges(document: vscode.TextDocument, command: string, timeout = 5000): Promise<string> {
  const before = document.getText();
  return waitFor(
    async () => {
      await vscode.commands.executeCommand(command);
      const after = document.getText();
      return after !== before ? after : undefined;
    },
    { timeout, interval: 50, message: `${command} to change ${document.uri.fsPath}` },
  );
}

/**
 * Triggers inline suggestions and waits for the provider's answer at the cursor, for the document's text as it is
 * now, that satisfies `accept` (an earlier test typing the same text into the same fixture left answers at the
 * same position, for other versions of the document).
 */
export async function answerAt(api: SmartComposeTestApi, editor: vscode.TextEditor, accept: (answer: Answer) => boolean, message: string): Promise<Answer> {
  const document = editor.document.uri.toString();
  const cursor = editor.selection.active;
  const version = editor.document.version;
  // Asked again every second: a request VS Code cancels (it overtook or was overtaken by one typed) answers
  // nothing, and VS Code does not ask again by itself while the cursor rests.
  let lastTrigger = 0;
  return waitFor(
    async () => {
      if (Date.now() - lastTrigger > 1000) {
        lastTrigger = Date.now();
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      }
      return api.answers.find((a) => a.document === document && a.version === version && a.line === cursor.line && a.character === cursor.character && accept(a));
    },
    { timeout: 15_000, message },
  );
}

/** Reverts and closes every open editor (no save prompts), so each test starts from the fixture's own text. */
export async function revertAndCloseAllEditors(): Promise<void> {
  for (let i = 0; i < 50 && vscode.window.activeTextEditor; i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * An inline-completion provider that records every request and answers with fixed items (for harness tests; the
 * real provider is tested through the extension itself).
 */
export class RecordingInlineProvider implements vscode.InlineCompletionItemProvider {
  readonly requests: Array<{ document: vscode.TextDocument; position: vscode.Position; context: vscode.InlineCompletionContext }> = [];

  constructor(private readonly answer: (document: vscode.TextDocument, position: vscode.Position) => vscode.InlineCompletionItem[]) {}

  provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
  ): vscode.InlineCompletionItem[] {
    this.requests.push({ document, position, context });
    return this.answer(document, position);
  }
}

/**
 * Asks the launcher for a screenshot of the workbench named `name` (saved as SMART_COMPOSE_SCREENSHOTS/name.png)
 * after `settleMs`, and waits until it is written. Does nothing unless SMART_COMPOSE_SCREENSHOTS is set (code-server
 * runs only).
 */
export async function screenshot(name: string, settleMs = 400): Promise<void> {
  const dir = process.env.SMART_COMPOSE_SCREENSHOTS;
  if (!dir) return;
  // Lets the workbench paint what the test just did (ghost text appears a moment after the provider answered).
  await sleep(settleMs);
  const file = join(dir, `${name.replace(/[^\w.-]/g, '_')}.png`);
  // The launcher watches the log relayed from this extension host for this marker (code-server-vscode.mjs).
  console.log(`[smart-compose:screenshot] ${name}`);
  await waitFor(() => existsSync(file), { timeout: 10_000, message: `screenshot ${file}` }).catch((error: unknown) => {
    console.log(`screenshot ${name} was not saved: ${error instanceof Error ? error.message : String(error)}`);
  });
}
