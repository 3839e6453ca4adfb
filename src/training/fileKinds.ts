import * as path from 'node:path';
import { CommentSyntax, commentSyntaxOf } from '../provider/commentSyntax';
import { isBoilerplatePath } from '../../scripts/corpus/boilerplate';

/**
 * What a workspace file offers to training, told by its name (and for a name without extension, its first
 * line): prose to read whole, code whose comments are the prose, or nothing.
 */
export type FileKind =
  | { kind: 'markdown' }
  | { kind: 'prose' }
  | { kind: 'code'; languageId: string; syntax: CommentSyntax }
  /** No extension and no known name (README, NOTES): a script if its text opens with a shebang, otherwise prose. */
  | { kind: 'untyped' }
  | { kind: 'not-prose' };

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.mdown', '.mkd', '.mdx']);
const PROSE_EXTENSIONS = new Set(['.txt', '.text', '.rst', '.rest', '.adoc', '.asciidoc', '.tex', '.ltx', '.org']);

/** VS Code's language ids of code files by extension (those whose comment syntax commentSyntax.ts knows). */
const LANGUAGE_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescriptreact',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact',
  '.go': 'go', '.rs': 'rust', '.c': 'c', '.h': 'c', '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp', '.hpp': 'cpp',
  '.hh': 'cpp', '.hxx': 'cpp', '.cs': 'csharp', '.java': 'java', '.kt': 'kotlin', '.kts': 'kotlin',
  '.scala': 'scala', '.swift': 'swift', '.dart': 'dart', '.groovy': 'groovy', '.gradle': 'groovy',
  '.mm': 'objective-cpp', '.php': 'php', '.css': 'css', '.scss': 'scss', '.less': 'less',
  '.py': 'python', '.pyi': 'python', '.sh': 'shellscript', '.bash': 'shellscript', '.zsh': 'shellscript',
  '.rb': 'ruby', '.pl': 'perl', '.pm': 'perl', '.r': 'r', '.yaml': 'yaml', '.yml': 'yaml', '.toml': 'toml',
  '.mk': 'makefile', '.cmake': 'cmake', '.ex': 'elixir', '.exs': 'elixir', '.jl': 'julia',
  '.coffee': 'coffeescript', '.ps1': 'powershell', '.psm1': 'powershell', '.sql': 'sql', '.lua': 'lua',
  '.hs': 'haskell', '.erl': 'erlang', '.clj': 'clojure', '.cljs': 'clojure', '.cljc': 'clojure',
  '.lisp': 'lisp', '.el': 'lisp', '.scm': 'scheme', '.ini': 'ini', '.cfg': 'ini', '.properties': 'properties',
  '.vb': 'vb', '.html': 'html', '.htm': 'html', '.xml': 'xml',
};

/** Built when the module loads, so that a language id commentSyntax.ts does not know fails every test at once. */
const CODE_BY_EXTENSION = new Map(Object.entries(LANGUAGE_BY_EXTENSION).map(([extension, id]) => [extension, codeKind(id)]));

const LANGUAGE_BY_NAME: Readonly<Record<string, string>> = {
  makefile: 'makefile', gnumakefile: 'makefile', dockerfile: 'dockerfile', 'cmakelists.txt': 'cmake',
  rakefile: 'ruby', gemfile: 'ruby', jenkinsfile: 'groovy', vagrantfile: 'ruby',
};

/** Interpreters in a shebang line, and the language of the script they run. */
const LANGUAGE_BY_INTERPRETER: ReadonlyArray<readonly [RegExp, string]> = [
  [/python/, 'python'], [/ruby/, 'ruby'], [/perl/, 'perl'], [/node|deno|bun/, 'javascript'],
  [/\b(?:ba|z|k|da)?sh\b/, 'shellscript'],
];

export function kindOfFile(relativePath: string): FileKind {
  const name = path.posix.basename(relativePath);
  const lower = name.toLowerCase();
  // Licences, changelogs and author lists are copied or formulaic, not the user's writing. The corpus rule
  // also matches such folder names; here only the file's own name counts ("docs/news/" may be the user's).
  if (isBoilerplatePath(name)) return { kind: 'not-prose' };
  const byName = Object.hasOwn(LANGUAGE_BY_NAME, lower) ? LANGUAGE_BY_NAME[lower]
    : lower.startsWith('dockerfile.') ? 'dockerfile' : undefined;
  if (byName) return codeKind(byName);
  const extension = path.posix.extname(lower);
  if (MARKDOWN_EXTENSIONS.has(extension)) return { kind: 'markdown' };
  if (PROSE_EXTENSIONS.has(extension)) return { kind: 'prose' };
  const code = CODE_BY_EXTENSION.get(extension);
  if (code) return code;
  // Dotfiles (".editorconfig", ".gitignore") are configuration, not prose.
  if (extension === '' && !name.startsWith('.')) return { kind: 'untyped' };
  return { kind: 'not-prose' };
}

/** What an untyped file's text makes it: a script by its shebang, otherwise prose. */
export function kindOfUntypedText(text: string): FileKind {
  const shebang = /^#![^\n]*/.exec(text)?.[0];
  if (shebang === undefined) return { kind: 'prose' };
  const language = LANGUAGE_BY_INTERPRETER.find(([interpreter]) => interpreter.test(shebang))?.[1];
  return language ? codeKind(language) : { kind: 'not-prose' };
}

function codeKind(languageId: string): FileKind {
  const syntax = commentSyntaxOf(languageId);
  if (!syntax) throw new Error(`no comment syntax for ${languageId}`);
  return { kind: 'code', languageId, syntax };
}
