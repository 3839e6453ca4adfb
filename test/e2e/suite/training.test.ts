// Train on Workspace in a real VS Code: the fixture folder holds notes (notes/*.md) about Quintessa and her Zorblat,
// two words the tiny test models (trained on test/e2e/fixture-corpus.txt by runTests.ts) have never seen. The
// commands run as a user runs them; the test API records the progress shown, how each run ended and the report
// pages opened. Fine-tuning gets a tiny model's budget (3 s of training, our wasm kernels on one thread).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SmartComposeTestApi } from '../../../src/extension';
import type { FinetuneSettings } from '../../../src/training/finetune';
import {
  activateExtension, answerAt, EXTENSION_ID, openFixture, pasteThenType, putCursorAtEndOfLine, revertAndCloseAllEditors, runUntilTextChanges, screenshot, waitFor,
} from './helpers';

const TINY_RUN: Partial<FinetuneSettings> = {
  kernels: 'wasm', threads: 1, maxSeconds: 3, maxEpochs: 100, learningRate: 1e-2, warmupSteps: 5, patience: 3, evaluationCharacters: 400, heldOutFraction: 0.2,
};
/** A context the workspace's notes continue with "Zorblat". */
const NOTES_CONTEXT = 'Every morning Quintessa feeds the';
/** The fixture corpus always continues this with "man in the park" (so the default LSTM does; see suggestions.test.ts). */
const CORPUS_CONTEXT = 'The dog bit the';

describe('Train on Workspace (real provider, tiny models)', function () {
  // A run measures the model before and after training (the typing of held-out text through the engine, twice),
  // which takes longer than its 3 s of training: about 12 s on this 2-core machine when it is busy with other work.
  this.timeout(60_000);
  let api: SmartComposeTestApi;

  before(async () => {
    const exports = (await activateExtension()).exports as SmartComposeTestApi | undefined;
    assert.ok(exports?.training, 'activate() returns the test hook in test mode');
    api = exports;
  });

  beforeEach(revertAndCloseAllEditors);
  afterEach(revertAndCloseAllEditors);
  after(async () => {
    api.setTrainingSettings({});
    api.confirmations.push('Reset');
    await vscode.commands.executeCommand('smartCompose.resetModel');
  });

  /**
   * The suggestion after `context` typed on story.md's empty line, asked anew (not an answer from before), and the
   * model that made it; accepted with Tab, as a user would, and so that the suggestions typed over on the way do not
   * raise the back-off gate for the next call.
   */
  async function suggestionAfter(context: string): Promise<{ text: string; model?: string }> {
    await revertAndCloseAllEditors(); // the report panel too, so that the keystrokes go to the editor
    const earlier = new Set(api.answers);
    const editor = await openFixture('story.md');
    putCursorAtEndOfLine(editor, 1);
    await pasteThenType(editor, context);
    const answer = await answerAt(api, editor, (a) => !earlier.has(a) && a.text !== '', `a suggestion after "${context}"`);
    await runUntilTextChanges(editor.document, 'editor.action.inlineSuggest.commit');
    assert.equal(editor.document.lineAt(1).text, `${context}${answer.text}`);
    await revertAndCloseAllEditors();
    return { text: answer.text, model: answer.model };
  }

  it('contributes the training commands; cancel only while training, train only in a trusted workspace on disk', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { commands: Array<{ command: string; title: string }>; menus: { commandPalette: Array<{ command: string; when: string }> } };
    };
    const titles = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, c.title]));
    assert.equal(titles['smartCompose.trainOnWorkspace'], 'Train on Workspace');
    assert.equal(titles['smartCompose.cancelTraining'], 'Cancel Training');
    assert.equal(titles['smartCompose.showTrainingReport'], 'Show Training Report');
    assert.equal(titles['smartCompose.resetModel'], 'Reset to Default Model');
    const when = Object.fromEntries(manifest.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
    assert.match(when['smartCompose.trainOnWorkspace'], /isWorkspaceTrusted && !virtualWorkspace/);
    assert.equal(when['smartCompose.cancelTraining'], 'smartCompose.training');
    const registered = await vscode.commands.getCommands(true);
    for (const command of Object.keys(titles)) assert.ok(registered.includes(command), `${command} is registered`);
  });

  it('shows progress; a second request is told one runs; Cancel Training stops it within a second and the previous model answers', async () => {
    api.setTrainingSettings({ ...TINY_RUN, maxSeconds: 120, maxEpochs: 10_000, patience: 10_000 });
    const shown = api.training.progress.length;
    const ends = api.training.ends.length;
    const training = vscode.commands.executeCommand<string>('smartCompose.trainOnWorkspace');
    const step = await waitFor(() => api.training.progress.slice(shown).find((s) => / · training · .* tokens\/s · ETA /.test(s.message)),
      { timeout: 30_000, message: 'a progress step of the training phase with tokens/s and ETA' });
    assert.match(step.message, /^\d+% · training · [\d,]+ tokens\/s · ETA \d+/);
    await screenshot('training-progress');
    assert.equal(await vscode.commands.executeCommand('smartCompose.trainOnWorkspace'), 'running');
    await vscode.commands.executeCommand('smartCompose.cancelTraining');
    assert.equal(await training, 'cancelled');
    const end = api.training.ends[ends];
    assert.equal(end.status, 'cancelled');
    assert.ok(end.cancelMs !== undefined && end.cancelMs < 1000, `stopped ${end.cancelMs} ms after the request`);
    console.log(`      cancel took ${end.cancelMs?.toFixed(0)} ms; longest event-loop stall ${end.longestStallMs?.toFixed(1)} ms`);

    const answer = await suggestionAfter(CORPUS_CONTEXT);
    assert.deepEqual([answer.text, answer.model], [' man in the park', 'lstm'], 'the default model still suggests');
  });

  it('a full run keeps the better model, opens the report, and the next keystrokes get the workspace\'s word', async () => {
    api.setTrainingSettings(TINY_RUN);
    const reports = api.training.reportsShown.length;
    const ends = api.training.ends.length;
    assert.equal(await vscode.commands.executeCommand('smartCompose.trainOnWorkspace'), 'done');
    const end = api.training.ends[ends];
    assert.equal(end.kept, true, 'the fine-tuned model is better on the held-out notes');
    console.log(`      longest event-loop stall of the extension host during the run: ${end.longestStallMs?.toFixed(1)} ms`);
    // Measured and printed, not a pass mark: a time limit in a test fails on a busy machine, not on slow code.
    assert.ok(end.longestStallMs !== undefined, 'the longest event-loop stall was measured');
    const report = api.training.reportsShown[reports];
    assert.ok(report, 'the report page was shown');
    assert.equal(report.title, 'Training Report: LSTM');
    assert.match(report.html, /Quintessa/);
    await screenshot('training-report');

    const answer = await suggestionAfter(NOTES_CONTEXT);
    assert.match(answer.text, /^ Zorblat\b/, 'a word that only the notes hold');
    assert.equal(answer.model, 'lstm');
    await screenshot('trained-suggestion');
  });

  it('Show Training Report reopens the saved report; Reset to Default Model (confirmed) goes back to the default', async () => {
    const reports = api.training.reportsShown.length;
    await vscode.commands.executeCommand('smartCompose.showTrainingReport');
    assert.equal(api.training.reportsShown.length, reports + 1);
    assert.equal(api.training.reportsShown[reports].title, 'Training Report: LSTM');

    api.confirmations.push('Cancel');
    assert.equal(await vscode.commands.executeCommand('smartCompose.resetModel'), false, 'not confirmed: nothing removed');
    assert.match((await suggestionAfter(NOTES_CONTEXT)).text, /^ Zorblat\b/);

    api.confirmations.push('Reset');
    assert.equal(await vscode.commands.executeCommand('smartCompose.resetModel'), true);
    assert.equal((await suggestionAfter(CORPUS_CONTEXT)).text, ' man in the park', 'the default model suggests again');
  });
});
