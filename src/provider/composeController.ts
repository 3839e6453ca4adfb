import { Cancellation, Suggester } from '../suggestion/engine';
import { PolicyOptions } from '../suggestion/completionPolicy';
import { BackOff } from './backOff';
import { isSecretFile } from '../training/secretFiles';
import { isSuggestionPosition, ScopeSettings } from './scope';

export interface ComposeRequest {
  /** The document's identity (its URI in the editor). */
  document: string;
  languageId: string;
  textBeforeCursor: string;
  /** The rest of the line after the cursor. */
  textAfterCursor: string;
}

export interface ComposeSettings extends ScopeSettings {
  /** The confidence gate, or null for the model's own (measured when it was trained). */
  minConfidence: number | null;
  maxWords: number;
}

/** A loaded model's engine and the policy it was loaded with (the gate and lengths before any setting). */
export interface ComposeEngine {
  suggester: Suggester;
  policy: PolicyOptions;
}

/** Where an answer came from (for the log and the end-to-end tests). */
export type AnswerSource = 'not here' | 'no model' | 'engine';

export interface ComposeAnswer {
  text: string;
  source: AnswerSource;
}

/**
 * What the editor's provider asks on every keystroke, without VS Code: whether this position gets suggestions
 * at all, the back-off's confidence gate, and the engine. The model is asked for (and so loaded) only where a
 * suggestion may be shown. Typing the characters of the ghost text asks the engine too: typed through instead of
 * taken, its rest is declined (declinedSuggestions.ts), and the engine answers as it does in `eval`.
 */
export class ComposeController {
  private readonly backOff = new BackOff();

  async suggest(
    request: ComposeRequest,
    settings: ComposeSettings,
    engine: () => Promise<ComposeEngine | undefined>,
    cancellation?: Cancellation,
  ): Promise<ComposeAnswer> {
    this.backOff.observe(request.document, request.textBeforeCursor);
    if (isSecretDocument(request.document) || !isSuggestionPosition(request.languageId, request.textBeforeCursor, settings)) {
      return { text: '', source: 'not here' };
    }
    const loaded = await engine();
    if (!loaded) return { text: '', source: 'no model' };
    loaded.suggester.options = {
      ...loaded.policy,
      maxWords: settings.maxWords,
      minConfidence: this.backOff.gate(settings.minConfidence ?? loaded.policy.minConfidence),
    };
    const text = await loaded.suggester.suggest(
      { document: request.document, textBeforeCursor: request.textBeforeCursor, textAfterCursor: request.textAfterCursor },
      cancellation,
    );
    if (cancellation?.isCancellationRequested) return { text: '', source: 'engine' };
    this.backOff.show(request.document, request.textBeforeCursor, text);
    return { text, source: 'engine' };
  }
}

/**
 * A document whose file holds secrets by nature (.env, keys, credential stores: the files training never reads)
 * gets no suggestions: recall would offer its own values back, and a value typed there is nobody's next word.
 */
function isSecretDocument(uri: string): boolean {
  let path: string;
  try {
    path = decodeURIComponent(new URL(uri).pathname);
  } catch {
    return false;
  }
  return isSecretFile(path);
}
