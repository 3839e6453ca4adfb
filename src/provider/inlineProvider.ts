// The VS Code side of suggestions: reads the settings and the document, asks ComposeController, and turns its
// answer into an inline completion item. Every decision lives in the plain-TypeScript files beside this one.
import * as vscode from 'vscode';
import { RuntimeKind } from '../inference/runtime';
import { AnswerSource, ComposeController, ComposeSettings } from './composeController';
import { LanguagesSetting } from './scope';
import { HeldModel, ModelChoice, ModelSlot } from './modelSlot';
import { keystrokesSaved } from './savedKeystrokes';

/** Run by VS Code after the user accepts a whole suggestion, with the keystrokes it saved (registered in extension.ts). */
export const ACCEPTED_COMMAND = 'smartCompose.accepted';

export interface Answer {
  document: string;
  /** The document's version the answer was computed for: the same position in another version is other text. */
  version: number;
  line: number;
  character: number;
  text: string;
  source: AnswerSource;
  /** The setting's name of the model that answered (when the engine answered). */
  model?: string;
  runtime?: RuntimeKind;
}

export interface ProviderSettings extends ComposeSettings {
  enable: boolean;
}

export function readSettings(document: vscode.TextDocument): ProviderSettings {
  const config = vscode.workspace.getConfiguration('smartCompose', document);
  const minConfidence = config.get<number | null>('minConfidence', null);
  return {
    enable: config.get<boolean>('enable', true),
    languages: config.get<LanguagesSetting>('languages', {}),
    suggestInCode: config.get<boolean>('suggestInCode', false),
    minConfidence: typeof minConfidence === 'number' ? minConfidence : null,
    maxWords: config.get<number>('maxWords', 4),
  };
}

export class SmartComposeProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly controller: ComposeController,
    private readonly models: ModelSlot,
    private readonly choice: () => ModelChoice,
    private readonly answered: (answer: Answer) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = readSettings(document);
    if (!settings.enable) return undefined;
    // With the suggest widget open, VS Code shows only an item that extends the widget's selected item over
    // the same range: the model continues from the text as it will be once that item is inserted.
    const selected = context.selectedCompletionInfo;
    const start = selected ? selected.range.start : position;
    const end = selected ? selected.range.end : position;
    const textBeforeCursor = document.getText(new vscode.Range(new vscode.Position(0, 0), start)) + (selected?.text ?? '');
    const textAfterCursor = document.lineAt(end.line).text.slice(end.character);
    const version = document.version;
    const choice = this.choice();
    let answeredBy: { model: string; runtime: RuntimeKind } | undefined;
    let held: HeldModel | undefined;
    try {
      const answer = await this.controller.suggest(
        { document: document.uri.toString(), languageId: document.languageId, textBeforeCursor, textAfterCursor },
        settings,
        async () => {
          held = await this.models.acquire(choice);
          if (!held) return undefined;
          const loaded = held.model;
          answeredBy = { model: loaded.choice.name, runtime: loaded.runtime.name };
          return { suggester: loaded.engine, policy: loaded.policy };
        },
        token,
      );
      this.answered({ document: document.uri.toString(), version, line: position.line, character: position.character, ...answer, ...answeredBy });
      if (!answer.text || token.isCancellationRequested) return undefined;
      this.log.trace(`suggested ${JSON.stringify(answer.text)} (${answer.source}, ${answeredBy?.model ?? choice.name})`);
      // Only a whole accept runs the command: VS Code 1.90's finalised API says nothing of accept-next-word.
      const accepted: vscode.Command = { command: ACCEPTED_COMMAND, title: 'Suggestion accepted', arguments: [keystrokesSaved(answer.text)] };
      return selected
        ? [new vscode.InlineCompletionItem(selected.text + answer.text, selected.range, accepted)]
        : [new vscode.InlineCompletionItem(answer.text, new vscode.Range(position, position), accepted)];
    } catch (error) {
      this.log.error(`suggestion failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    } finally {
      held?.done();
    }
  }
}
