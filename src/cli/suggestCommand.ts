import * as readline from 'node:readline';
import { RuntimeKind } from '../inference/runtime';
import { loadSuggestionEngine } from '../suggestion/loadEngine';

export interface SuggestCommandOptions {
  model: string;
  stdio?: boolean;
  runtime: RuntimeKind;
  minConfidence?: number;
}

/**
 * `suggest --model DIR "text"` prints the ghost text for a cursor after "text". With --stdio it speaks
 * shared/EVAL.md's protocol: one {"text": ...} object a line in, one {"suggestion": ...} a line out, in
 * order, with one engine and cache for the whole session (as in the editor); a malformed line gets
 * {"error": ...} and the loop goes on.
 */
export async function runSuggest(text: string | undefined, o: SuggestCommandOptions): Promise<void> {
  if (!o.stdio && text === undefined) throw new Error('give the text before the cursor, or --stdio');
  const { engine, runtime } = await loadSuggestionEngine(o.model, o.runtime, o.minConfidence === undefined ? {} : { minConfidence: o.minConfidence });
  try {
    if (!o.stdio) {
      process.stdout.write((await engine.suggest({ document: 'cli', textBeforeCursor: text! })) + '\n');
      return;
    }
    const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      process.stdout.write(JSON.stringify(await answer(line, (t) => engine.suggest({ document: 'stdio', textBeforeCursor: t }))) + '\n');
    }
  } finally {
    await runtime.dispose();
  }
}

async function answer(line: string, suggest: (text: string) => Promise<string>): Promise<{ suggestion: string } | { error: string }> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return { error: 'not a JSON object: expected {"text": "<text before the cursor>"}' };
  }
  const text = (request as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return { error: 'missing "text" string: expected {"text": "<text before the cursor>"}' };
  try {
    return { suggestion: await suggest(text) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
