/**
 * Removes secrets from text before it is tokenized for training, so that no key, token or password can enter
 * the vocabulary or be learned as a continuation.
 *
 * A secret is replaced by nothing: its value is deleted and what names it (`API_KEY=`, `"password": ""`,
 * `postgres://user@host`) stays. A placeholder word would itself be learned and then suggested after every
 * `token=`; an empty value teaches nothing and leaves the surrounding prose readable.
 *
 * The rules run in table order over the output of the previous rule: exact formats first (a private-key
 * block, then provider tokens), then values assigned to secret-sounding names, then the generic high-entropy
 * catch-all, so that one secret is counted once, under its most specific rule.
 */

export interface ScrubResult {
  text: string;
  /** How many secrets were removed. */
  redactions: number;
}

interface SecretRule {
  name: string;
  /** Global; every match is one secret. */
  pattern: RegExp;
  /** What stays of a match; by default nothing. */
  keep?: (match: string, ...groups: string[]) => string;
  /** A further test on a match that the pattern alone cannot express; by default every match is a secret. */
  accept?: (match: string, ...groups: string[]) => boolean;
}

/**
 * How surely a name holds a secret: 'strong' when it says so (token, secret, password, credential, API key),
 * 'weak' when one of its camelCase/snake_case parts is "key", "auth" or the like, which also name harmless
 * things ("auth: required", "primaryKey").
 */
type SecretName = 'strong' | 'weak' | undefined;

const STRONG_SECRET_NAME = /token|secret|passw(?:or)?d|pwd|credential|api_?key|private_?key|access_?key/i;
const WEAK_SECRET_NAME_PARTS = new Set(['key', 'keys', 'auth', 'authorization', 'pass', 'passphrase', 'pw', 'pin', 'cred', 'creds', 'sig', 'signature']);
/** Words ending in "key" or holding "token" that name nothing secret. */
const HARMLESS_NAME_PARTS = /^(?:monkey|donkey|turkey|hockey|jockey|whiskey|hotkey|keyboard|keyword|keywords|keystroke|keystrokes|keyframe|keyframes|keybinding|keybindings|keymap|tokenizer|tokenizers|tokenize|tokenized|tokenization)$/i;

function secretName(name: string): SecretName {
  const parts = name.split(/[_.\-]+|(?<=[a-z0-9])(?=[A-Z])/).filter((part) => part.length > 0 && !HARMLESS_NAME_PARTS.test(part));
  if (parts.some((part) => STRONG_SECRET_NAME.test(part)) || STRONG_SECRET_NAME.test(parts.join('_'))) return 'strong';
  return parts.some((part) => WEAK_SECRET_NAME_PARTS.has(part.toLowerCase()) || /^[a-z]+key$/i.test(part)) ? 'weak' : undefined;
}

/** A word of letters, all lower case or capitalised: "required", "Token", not "abcDEF" or "hunter2". */
function isPlainWord(value: string): boolean {
  return /^[A-Za-z][a-z]*$/.test(value.replace(/[.,;:!?)]+$/, ''));
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return digits.length >= 13 && digits.length <= 19 && sum % 10 === 0;
}

/** One run of key characters with a digit in it, the shape of a token or key rather than of words or markup. */
function looksLikeKey(value: string): boolean {
  return /^[A-Za-z0-9+/=_.\-]{8,}$/.test(value) && /[0-9]/.test(value);
}

/** A table row's cells between unescaped pipes (the first and last are what is outside the outer pipes). */
function cellsOf(row: string): string[] {
  return row.split(/(?<!\\)\|/);
}

/** The table with the cells of its secret columns emptied; undefined when there are none to empty. */
function scrubTable(header: string, rule: string, body: string): string | undefined {
  const columns = cellsOf(header).flatMap((cell, i) => {
    const name = cell.trim().replace(/\s+/g, '_');
    return secretName(name) === 'strong' ? [{ i, password: /passw|passphrase|pwd/i.test(name) }] : [];
  });
  let emptied = 0;
  const rows = body.split('\n').map((row) => {
    const cells = cellsOf(row);
    // What lies outside a row's outer pipes is no cell.
    const first = row.trimStart().startsWith('|') ? 1 : 0;
    const last = row.trimEnd().endsWith('|') ? cells.length - 2 : cells.length - 1;
    for (const { i, password } of columns) {
      const value = cells[i]?.trim() ?? '';
      if (i >= first && i <= last && value !== '' && (password || looksLikeKey(value))) { cells[i] = ' '; emptied++; }
    }
    return cells.join('|');
  });
  return emptied > 0 ? `${header}\n${rule}\n${rows.join('\n')}` : undefined;
}

/** Bits per character of the string's own character distribution. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A run of base64/base64url characters that reads as random. Two signs, both needed: the character class
 * (lower, upper, digit, other) changes at most adjacent pairs (about 60% in random base64, under 30% in
 * camelCase identifiers, paths and hyphenated words), and the entropy is near that of random text of the same
 * length (random base64 of n characters has about log2(n) - 0.3 bits per character, up to n = 64; English runs
 * stay below 4 because letters repeat). Measured on random keys of 20-64 characters: about 98% are caught; a
 * run with no digit needs 0.3 bits more.
 */
function looksRandom(run: string): boolean {
  if (!/[A-Za-z]/.test(run)) return false;
  let switches = 0;
  for (let i = 1; i < run.length; i++) if (characterClass(run[i]) !== characterClass(run[i - 1])) switches++;
  if (switches / (run.length - 1) < 0.3) return false;
  const threshold = Math.min(0.85 * Math.log2(run.length), 4.5) + (/[0-9]/.test(run) ? 0 : 0.3);
  return shannonEntropy(run) >= threshold;
}

function characterClass(c: string): number {
  return c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= '0' && c <= '9' ? 2 : 3;
}

/**
 * The longest unquoted value looked at after a name: a turned-down match is searched again from its next
 * character, so without a bound a long line of "a:b:c…" would cost its length squared. Longer keys are random
 * (the high-entropy rule's) or of a known format.
 */
const MAX_UNQUOTED_VALUE = 256;
const IDENTIFIER = String.raw`[A-Za-z_][A-Za-z0-9_.\-]*`;
const QUOTED = String.raw`"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\x60(?:[^\x60\\\n]|\\.)*\x60`;

const RULES: readonly SecretRule[] = [
  {
    name: 'private key block',
    // An unterminated block (a truncated paste) is removed to the end of the text.
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$(?![\s\S]))/g,
  },
  // A crypt(3) password hash (bcrypt, SHA-crypt, yescrypt), as in /etc/shadow or an htpasswd line: it can be cracked.
  { name: 'password hash', pattern: /\$(?:2[abxy]?|[156]|y|gy|7)\$[A-Za-z0-9./$=,\-]{20,}/g },
  { name: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
  {
    name: 'password in a URL',
    // The password goes; the scheme, user and host stay, so the URL still reads as one. A password may hold "@":
    // the greedy run stops at the last "@" before the host.
    pattern: /(?<![a-z0-9+.\-])([a-z][a-z0-9+.\-]{0,31}:\/\/)([^\s:@/]*):([^\s/]+)@(?=[^\s@/]+)/gi,
    keep: (_match, scheme: string, user: string) => `${scheme}${user}@`,
  },
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16}\b/g },
  { name: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b/g },
  { name: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_\-]{20,}/g },
  { name: 'Slack token', pattern: /\b(?:xox[abprs]|xapp)-[A-Za-z0-9\-]{10,}/g },
  { name: 'Slack webhook', pattern: /\bhttps:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g },
  { name: 'Stripe key', pattern: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_\-]{35}/g },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  // Hexadecimal bodies, which the high-entropy rule cannot see (hex holds 4 bits a character at most), and other
  // formats known by their prefix: Twilio, DigitalOcean, Shopify, SendGrid, Hugging Face.
  {
    name: 'token of a known prefix',
    pattern: /\b(?:(?:SK|AC)[0-9a-f]{32}|do[por]_v1_[0-9a-f]{64}|shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}|SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}|hf_[A-Za-z0-9]{30,})\b/g,
  },
  // "sk-" then a long run holding a digit: hyphenated prose ("sk-learn-style-...") has no digits.
  { name: 'OpenAI-style key', pattern: /\bsk-(?=[A-Za-z0-9_\-]*[0-9])[A-Za-z0-9_\-]{20,}/g },
  {
    name: 'credentials in a header',
    // "Authorization: Token abc…", "X-Api-Key: abc…", any case; the header's name (and scheme) stay. A plain word
    // after it ("Authorization: required") is prose.
    pattern: /\b((?:Proxy-)?Authorization|X-Api-Key|Api-Key|X-Auth-Token|X-Access-Token)([ \t]*:[ \t]*)((?:Bearer|Basic|Token|Digest)[ \t]+)?([^\s"'\x60,;]+)/gi,
    accept: (_match, _name: string, _colon: string, _scheme: string | undefined, value: string) => !isPlainWord(value),
    keep: (_match, name: string, colon: string, scheme: string | undefined) => `${name}${colon}${scheme?.trimEnd() ?? ''}`,
  },
  {
    name: 'bearer or basic credentials',
    // Credentials are base64 or random: "Basic authentication", "Basic low-level support" are prose.
    pattern: /\b(Bearer|Basic)[ \t]+([A-Za-z0-9._~+/\-]{8,}=*)/g,
    accept: (_match, _scheme: string, value: string) => /[0-9+/=_~]|[a-z][A-Z]/.test(value),
    keep: (_match, scheme: string) => scheme,
  },
  {
    name: 'password on a command line',
    // curl -u user:password (not docker's -u uid:gid), sshpass -p password, mysql -ppassword, --password=value or
    // --token value. The flag is looked for within 300 characters of the command, so a long line stays linear.
    pattern: /(?<![^\s"'\x60(])(?:(curl\b[^\n]{0,300}?[ \t](?:-u|--user)[ \t=]*)([^\s:]+:)(\S+)|(sshpass[ \t]+-p[ \t]*)(\S+)|(mysql(?:dump|admin)?\b[^\n]{0,300}?[ \t]-p)([^\s-]\S*)|(--(?:password|passwd|pass|pwd|token|api-key|apikey|secret|auth-token|access-token)(?:=|[ \t]+))([^\s-]\S*))/gi,
    // "--password to set it" is prose: after a flag and a space, a plain word is no value.
    accept: (_match, ...groups: Array<string | undefined>) => {
      const [flag, value] = [groups[7], groups[8]];
      return flag === undefined || flag.endsWith('=') || !isPlainWord(value!);
    },
    keep: (_match, user: string | undefined, userName: string, _password: string, sshpass: string | undefined, _p: string, mysql: string | undefined, _m: string, flag: string | undefined) =>
      user !== undefined ? `${user}${userName}` : sshpass ?? mysql ?? flag ?? '',
  },
  {
    name: 'secret in an XML element or key-value pair',
    // <password>hunter2</password>, <add key="ApiKey" value="…"/>.
    pattern: /<([A-Za-z_][\w.\-]*)>([^<\n]+)<\/\1>|\b(key=(["'])([^"'\n]+)\4[ \t]+value=)(["'])[^"'\n]+\6/g,
    accept: (_match, tag: string | undefined, _value: string, _pair: string, _quote: string, name: string | undefined) => secretName(tag ?? name ?? '') === 'strong' || (name !== undefined && secretName(name) !== undefined),
    keep: (_match, tag: string | undefined, _value: string, pair: string, _quote: string, _name: string, valueQuote: string) => (tag !== undefined ? `<${tag}></${tag}>` : `${pair}${valueQuote}${valueQuote}`),
  },
  {
    name: 'value assigned to a secret name',
    // NAME=value, NAME := "value", "name": "value", name => 'value'. After "=" any value is a secret; after
    // ":" only a quoted one, since "Key: the idea is" is prose (the YAML form is the next rule). A call
    // (`token = getToken()`) is no value, nor the `key="ApiKey"` that names a value= after it (the XML rule's).
    // A name starts where no name character precedes it: starting inside a long run would try every suffix.
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9_.\-])(["'\x60]?)(${IDENTIFIER})\1([ \t]*(?::=|=>|\?=|=(?!=)|:)[ \t]*)(?:(${QUOTED})(?![ \t]+value=)|([^\s"'\x60,;()\]}]{1,${MAX_UNQUOTED_VALUE}})(?=[\s"'\x60,;)\]}]|$))`, 'g'),
    accept: (_match, _quote: string, name: string, operator: string, quoted: string | undefined) =>
      secretName(name) !== undefined && (quoted !== undefined ? quoted.length > 2 : !operator.includes(':') || operator.includes(':=')),
    keep: (_match, quote: string, name: string, operator: string, quoted: string | undefined) =>
      `${quote}${name}${quote}${operator}${quoted !== undefined ? quoted[0] + quoted[0] : ''}`,
  },
  {
    name: 'secret in a YAML-like line',
    // "password: hunter2" alone on its line, perhaps with a "# comment" after it (kept). After a weak name a plain
    // word stays ("auth: required", "Authorization: Bearer" once the bearer rule has taken the token). Words after
    // the colon are prose, an API's parameter list ("token: Token to check that the link is valid.").
    pattern: new RegExp(String.raw`^([ \t]*(?:-[ \t]+)?)(${IDENTIFIER})([ \t]*:[ \t]+)([^\s#]\S*)([ \t]+#.*)?[ \t]*$`, 'gm'),
    accept: (_match, _indent: string, name: string, _colon: string, value: string) => {
      const strength = secretName(name);
      if (strength === undefined || /^(?:true|false|null|~|""|'')$/i.test(value)) return false;
      return strength === 'strong' || !/^[A-Za-z]+$/.test(value);
    },
    keep: (_match, indent: string, name: string, colon: string, _value: string, comment: string | undefined) => `${indent}${name}${colon.trimEnd()}${comment ?? ''}`,
  },
  {
    name: 'password told in prose',
    // "the password is Tr0ub4dor&3", "with password: hunter2 and". Only a value that is no plain word: "the
    // password is stored hashed" is prose.
    pattern: /\b((?:pass(?:word|phrase|code)|passwd|pwd|PIN)s?[ \t]+(?:is|was|=|:)[ \t]+|(?:pass(?:word|phrase|code)|passwd|pwd|PIN)s?:[ \t]+)(["'\x60]?)([^\s"'\x60#][^\s"'\x60]*?)\2(?=[.,;:!?)]*(?:\s|$))/gi,
    accept: (_match, _told: string, quote: string, value: string) => quote !== '' || !/^[A-Za-z]+(?:-[A-Za-z]+)*[.,;:!?)]*$/.test(value),
    keep: (_match, told: string) => told.trimEnd(),
  },
  {
    name: 'payment card number',
    // 13 to 19 digits of a card network (3-6 first), perhaps grouped by spaces or dashes, whose Luhn check holds.
    pattern: /(?<![\d.\-])[3-6]\d{3}(?:[ \-]?\d){9,15}(?![\d.\-])/g,
    accept: (match) => luhnValid(match.replace(/\D/g, '')),
  },
  {
    name: 'secret column of a Markdown table',
    // | User | Password | over |---|---|: that column's cells in the rows below are emptied, its header kept. Under
    // another secret's name (token, key, credential) only a value shaped like a key goes: such columns also list
    // token kinds in a lexer's docs, or credential classes with their links in an SDK's.
    // Each row one run between pipes after another, so that a long line of pipes is scanned once, not squared.
    pattern: /^([^\n|]*(?:\|[^\n|]*)+)\n([ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*)\n((?:[^\n|]*(?:\|[^\n|]*)+(?:\n|$))+)/gm,
    accept: (_match, header: string, rule: string, body: string) => scrubTable(header, rule, body) !== undefined,
    keep: (_match, header: string, rule: string, body: string) => scrubTable(header, rule, body)!,
  },
  {
    name: 'secret in base64',
    // A Kubernetes secret's data, a config value encoded: the text it decodes to holds a secret (a URL with a password).
    pattern: /(?<![A-Za-z0-9+/=_\-])(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=_\-])/g,
    accept: (match) => {
      const decoded = Buffer.from(match, 'base64').toString('utf8');
      return /^[\x20-\x7e\t\n\r]+$/.test(decoded) && scrubSecrets(decoded).redactions > 0;
    },
  },
  { name: 'long hexadecimal string', pattern: /\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{32,}\b|\b(?=[0-9A-F]*[0-9])(?=[0-9A-F]*[A-F])[0-9A-F]{32,}\b/g },
  {
    name: 'high-entropy string',
    pattern: /(?<![A-Za-z0-9+/=_\-])[A-Za-z0-9+/=_\-]{20,}(?![A-Za-z0-9+/=_\-])/g,
    accept: (match) => looksRandom(match),
  },
];

/** Removes every secret the rules know from `text`; see the file comment for what replaces one. */
export function scrubSecrets(text: string): ScrubResult {
  let redactions = 0;
  let out = text;
  for (const rule of RULES) {
    const pattern = new RegExp(rule.pattern.source, rule.pattern.flags);
    let scrubbed = '';
    let copied = 0;
    for (let found = pattern.exec(out); found !== null; found = pattern.exec(out)) {
      const [match, ...groups] = found;
      if (rule.accept && !rule.accept(match, ...groups)) {
        // Searched again from the next character, not past the match: "user=jane&password=x" is turned down as
        // "user=…", and the "password=x" inside it is still a secret.
        pattern.lastIndex = found.index + 1;
        continue;
      }
      scrubbed += out.slice(copied, found.index) + (rule.keep ? rule.keep(match, ...groups) : '');
      copied = found.index + match.length;
      redactions++;
      if (match.length === 0) pattern.lastIndex++;
    }
    out = scrubbed + out.slice(copied);
  }
  return { text: out, redactions };
}

