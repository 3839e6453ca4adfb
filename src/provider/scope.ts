import { commentSyntaxOf, endsInsideComment } from './commentSyntax';

/** Prose languages: suggestions anywhere in the text. */
export const PROSE_LANGUAGES: readonly string[] = ['markdown', 'plaintext', 'restructuredtext', 'asciidoc', 'latex', 'scminput'];

/**
 * smartCompose.languages: an object turns languages on (true) or off (false) over the defaults; an array
 * names the only languages that get suggestions.
 */
export type LanguagesSetting = Readonly<Record<string, boolean>> | readonly string[];

export interface ScopeSettings {
  languages: LanguagesSetting;
  /** Suggest anywhere in code files, not only inside comments. */
  suggestInCode: boolean;
}

/** Where a language gets suggestions. */
export type Scope = 'everywhere' | 'comments' | 'off';

/**
 * Prose languages (and languages the setting turns on that have no known comment syntax): everywhere. Code
 * languages with known comment syntax: inside comments, or everywhere with suggestInCode. Others: off unless
 * the setting turns them on.
 */
export function scopeOf(languageId: string, settings: ScopeSettings): Scope {
  if (!isOn(languageId, settings.languages)) return 'off';
  if (PROSE_LANGUAGES.includes(languageId) || settings.suggestInCode) return 'everywhere';
  return commentSyntaxOf(languageId) ? 'comments' : 'everywhere';
}

function isOn(languageId: string, languages: LanguagesSetting): boolean {
  if (Array.isArray(languages)) return (languages as readonly string[]).includes(languageId);
  const choice: unknown = Object.hasOwn(languages, languageId) ? (languages as Readonly<Record<string, unknown>>)[languageId] : undefined;
  return typeof choice === 'boolean' ? choice : (PROSE_LANGUAGES.includes(languageId) || commentSyntaxOf(languageId) !== undefined);
}

/** Whether the cursor at the end of `textBeforeCursor` gets suggestions. */
export function isSuggestionPosition(languageId: string, textBeforeCursor: string, settings: ScopeSettings): boolean {
  const scope = scopeOf(languageId, settings);
  if (scope !== 'comments') return scope === 'everywhere';
  return endsInsideComment(textBeforeCursor, commentSyntaxOf(languageId)!);
}
