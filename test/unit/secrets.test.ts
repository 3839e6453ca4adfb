import * as assert from 'node:assert/strict';
import { Random } from '../../src/model/random';
import { scrubSecrets, shannonEntropy } from '../../src/training/secrets';

/** Each planted value is fake but has its format's shape; `line` is how it appears in a workspace. */
const PLANTED: ReadonlyArray<{ format: string; value: string; line: (value: string) => string; toEnd?: true }> = [
  { format: 'RSA private key', value: 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2dY8tWqzXn+Vr9xLq0PQ',
    line: (v) => `Deploy key:\n-----BEGIN RSA PRIVATE KEY-----\n${v}\nk7Hs5Q9p0w==\n-----END RSA PRIVATE KEY-----\nThat was the key.` },
  { format: 'OpenSSH private key', value: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB',
    line: (v) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${v}\n-----END OPENSSH PRIVATE KEY-----` },
  { format: 'unterminated private key', value: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
    line: (v) => `Pasted by mistake:\n-----BEGIN PRIVATE KEY-----\n${v}\nMore lines follow`, toEnd: true },
  { format: 'AWS access key id', value: 'AKIAIOSFODNN7EXAMPL3', line: (v) => `The CI user has ${v} as its key id.` },
  { format: 'AWS session key id', value: 'ASIAY34FZKBOKMUTVV7A', line: (v) => `temporary id ${v} expires` },
  { format: 'GitHub classic token', value: 'ghp_R2d2C3poLuk3Sky8walk3rHan5olo1234ab', line: (v) => `use ${v} to push` },
  { format: 'GitHub OAuth token', value: 'gho_16C7e42F292c6912E7710c838347Ae178B4a', line: (v) => `(${v})` },
  { format: 'GitHub user token', value: 'ghu_16C7e42F292c6912E7710c838347Ae178B4a', line: (v) => `${v}.` },
  { format: 'GitHub server token', value: 'ghs_16C7e42F292c6912E7710c838347Ae178B4a', line: (v) => `token ${v}` },
  { format: 'GitHub refresh token', value: 'ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c', line: (v) => `refresh ${v}` },
  { format: 'GitHub fine-grained token', value: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF0123456789abcdefgh', line: (v) => `pat ${v} here` },
  { format: 'GitLab token', value: 'glpat-xYz12AbC34dEf56GhI78j', line: (v) => `GitLab: ${v}` },
  { format: 'Slack bot token', value: 'xoxb-2048-4096-Zq8RtY3uIo9PaSdF', line: (v) => `bot ${v} posts` },
  { format: 'Slack user token', value: 'xoxp-1234567890-0987654321-abcdefABCDEF', line: (v) => `user ${v}` },
  { format: 'Stripe live secret key', value: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', line: (v) => `Stripe ${v} charges` },
  { format: 'Stripe restricted key', value: 'rk_live_51H8zQ2eZvKYlo2C0abcdEFGH', line: (v) => `restricted ${v}` },
  { format: 'Google API key', value: 'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI', line: (v) => `maps key ${v} in the page` },
  { format: 'npm token', value: 'npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAB7c', line: (v) => `//registry/:_authToken ${v}` },
  { format: 'OpenAI key', value: 'sk-proj-Qw3rTy7uI0pAs2dF5gH8jK1lZx4cV6bN9mQ', line: (v) => `the model answers with ${v} set` },
  { format: 'OpenAI legacy key', value: 'sk-4f9Kd8sL2mQ7xZ1vB6nC3hJ0gT5rY8wE2uI9oP4aS7dF', line: (v) => `${v}` },
  { format: 'JSON Web Token', value: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    line: (v) => `Send the header with ${v} in it.` },
  { format: 'password in a postgres URL', value: 's3cr3t-Pa55', line: (v) => `DATABASE_URL is postgres://admin:${v}@db.internal:5432/app` },
  { format: 'password with @ in a URL', value: 'p@ss:w0rd', line: (v) => `mongodb+srv://app:${v}@cluster0.example.net/test` },
  { format: 'password in an https URL', value: 'hunter2', line: (v) => `clone https://jane:${v}@git.example.com/repo.git` },
  { format: 'NAME=value', value: 'correcthorse', line: (v) => `export DB_PASSWORD=${v}` },
  { format: 'NAME = "value"', value: 'Tr0ub4dor', line: (v) => `client_secret = "${v}"` },
  { format: 'NAME: value (YAML)', value: 'hunter22', line: (v) => `database:\n  password: ${v}\n  host: localhost` },
  { format: 'NAME: value (YAML, plain word)', value: 'changeme', line: (v) => `  secret_token: ${v}` },
  { format: '"name": "value" (JSON)', value: 'qwerty-uiop', line: (v) => `{"user": "jane", "apiKey": "${v}"}` },
  { format: 'name := value (Go)', value: 'letmein', line: (v) => `authToken := "${v}"` },
  { format: 'Passwd=value; (connection string)', value: 'Zebra42', line: (v) => `Server=db;User Id=sa;Passwd=${v};` },
  { format: 'PWD=value', value: 'opensesame', line: (v) => `MYSQL_PWD=${v} mysql -u root` },
  { format: 'CREDENTIAL=value', value: 'cr3d-val', line: (v) => `GOOGLE_CREDENTIALS=${v}` },
  { format: 'AUTH=value', value: 'abc999', line: (v) => `auth=${v}` },
  { format: 'KEY=value', value: 'v4lue-of-key', line: (v) => `ENCRYPTION_KEY=${v}` },
  { format: 'Bearer token', value: 'Zm9vYmFyYmF6cXV4MTIzNDU2', line: (v) => `Authorization: Bearer ${v}` },
  { format: 'password after a harmless name in a query string', value: 'hunter2', line: (v) => `curl -d 'username=admin&password=${v}' https://example.com/login` },
  { format: 'password in a JDBC URL', value: 'hunter2', line: (v) => `jdbc:mysql://db/app?user=root&password=${v}` },
  { format: 'password in a Go struct literal', value: 'hunter2', line: (v) => `cfg := Config{Password: "${v}"}` },
  { format: 'PowerShell environment variable', value: 'abcDEF123opaque', line: (v) => `$env:API_KEY = "${v}"` },
  { format: 'password in an XML element', value: 'hunter2', line: (v) => `<password>${v}</password>` },
  { format: 'app setting key and value', value: 'abcDEF123opaque', line: (v) => `<add key="ApiKey" value="${v}"/>` },
  { format: 'YAML password with a comment', value: 'hunter2', line: (v) => `password: ${v} # prod` },
  { format: 'password told in prose', value: 'Tr0ub4dor&3', line: (v) => `For the demo, the password is ${v} until Friday.` },
  { format: 'passphrase told in prose', value: 'BlueHorse42!', line: (v) => `The Wi-Fi passphrase is ${v}` },
  { format: 'password after a colon in prose', value: 'hunter2', line: (v) => `Log in with password: ${v} and change it.` },
  { format: 'lower-case bearer header', value: 'abcDEF123opaque', line: (v) => `authorization: bearer ${v}` },
  { format: 'token authorization header', value: 'abcDEF123opaque', line: (v) => `Authorization: Token ${v}` },
  { format: 'API key header', value: 'abcDEF123opaque', line: (v) => `curl -H "X-Api-Key: ${v}" https://api.example.com` },
  { format: 'curl user and password', value: 'hunter2', line: (v) => `curl -u admin:${v} https://example.com` },
  { format: 'sshpass password', value: 'hunter2', line: (v) => `sshpass -p ${v} ssh deploy@host` },
  { format: 'mysql password flag', value: 'hunter2', line: (v) => `mysql -u root -p${v} app` },
  { format: 'password option', value: 'hunter2', line: (v) => `run it with --password=${v} once` },
  { format: 'Twilio API key', value: `SK${'0123456789abcdef'.repeat(2)}`, line: (v) => `twilio ${v} sends` },
  { format: 'DigitalOcean token', value: `dop_v1_${'0123456789abcdef'.repeat(4)}`, line: (v) => `doctl ${v}` },
  { format: 'Shopify token', value: `shpat_${'0123456789abcdef'.repeat(2)}`, line: (v) => `shop ${v}` },
  { format: 'Slack app token', value: 'xapp-1-A0JVVRLJKV5-1234567890123-abcdef0123456789', line: (v) => `app ${v}` },
  { format: 'bcrypt hash', value: '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', line: (v) => `admin:${v}` },
  { format: 'SHA-512 crypt hash in a shadow line', value: '$6$rounds=5000$saltsalt$Kd1n0Jq2Zb4Xy7Vw9Ut3Sr5Qp8On6Ml4Kj2Ih0Gf9Ed7Cb5Aa3', line: (v) => `root:${v}:19000:0:99999:7:::` },
  { format: 'Azure SAS signature', value: 'abc%2Bdef%2Fghi%3D', line: (v) => `https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=${v}` },
  { format: 'password column of a Markdown table', value: 'hunter2',
    line: (v) => `| User | Password | Role |\n|------|----------|------|\n| admin | ${v} | owner |\n| guest |  | viewer |` },
  { format: 'password column of a table without outer pipes', value: 'Zebra42', line: (v) => `User | Password\n--- | ---\nadmin | ${v}` },
  { format: 'token column of a table', value: 'tk9Qm2Zr7Lp4Xw', line: (v) => `| Service | API token |\n|---|---|\n| ci | ${v} |` },
  { format: 'password URL in base64 (Kubernetes secret data)', value: Buffer.from('postgres://app:hunter2@db/app').toString('base64'), line: (v) => `data:\n  DB_URL: ${v}` },
  { format: 'payment card number', value: '4111 1111 1111 1111', line: (v) => `Test card ${v} works.` },
  { format: 'payment card number with dashes', value: '5500-0000-0000-0004', line: (v) => `card ${v}` },
  { format: 'high-entropy base64', value: 'q8Xz3VbN1mK7pL0wR5tY2uI9oA4sD6fG', line: (v) => `The salt is ${v} for now.` },
  { format: 'high-entropy base64 with padding', value: 'Zq8+Rt/Y3uIo9PaSdF2gHj4K==', line: (v) => `blob ${v} end` },
  { format: 'long hex', value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', line: (v) => `sha ${v} matches` },
  { format: 'long upper-case hex', value: 'A3F09C1D2E8B7F6A5C4D3E2F1A0B9C8D', line: (v) => `id ${v}` },
];

/** Values that only their format gives away (no randomness for the high-entropy rule to see). */
const FORMAT_ONLY: ReadonlyArray<{ format: string; value: string }> = [
  { format: 'GitLab token', value: `glpat-${'x'.repeat(20)}` },
  { format: 'Slack webhook', value: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX' },
  { format: 'Stripe key', value: `sk_live_${'a'.repeat(24)}` },
  { format: 'Google API key', value: `AIza${'B'.repeat(35)}` },
  { format: 'npm token', value: `npm_${'c'.repeat(36)}` },
  { format: 'OpenAI key', value: `sk-${'a1'.repeat(12)}` },
  { format: 'GitHub token', value: `ghp_${'d'.repeat(36)}` },
  { format: 'AWS access key id', value: 'AKIAAAAAAAAAAAAAAAAA' },
  { format: 'JSON Web Token', value: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJqYW5lIn0.' },
];

const PROSE = [
  'The internationalization-localization pipeline handles pneumonoultramicroscopicsilicovolcanoconiosis and',
  'other antidisestablishmentarianism-level words in state-of-the-art, easy-to-read, well-thought-out prose.',
  'Upgrade from version 1.2.3-beta.4 to 2.0.0-rc.1 (or v20.19.0) before 2024-01-15T10:30:00Z.',
  'See https://github.com/microsoft/vscode/issues/12345 and https://example.com/docs/getting-started?lang=en#install,',
  'or postgres://localhost:5432/app and ftp://ftp.example.org/pub/file.tar.gz for the mirror.',
  'Call SmartComposeInlineCompletionProvider from src/provider/commentSyntax.ts, then getElementsByClassName.',
  'Key: the idea is simple. The secret: patience. Authentication: required for every call.',
  'auth: required',
  'tokenizer: whitespace',
  'The keyboard=us setting and a hotkey=ctrl+k binding; if (password == expected) compare in constant time.',
  'The API key must be kept secret, and a password-less login uses passkeys. Write to jane.doe@example.com.',
  'Commit 2307698 fixed it; CONFIG_DEBUG_INFO_BTF_MODULES and x86_64-unknown-linux-gnu are build names.',
  'A token = getToken(); call and the sk-learn-style-estimators-are-great idea.',
  'The password is stored hashed; the passphrase: required. Basic authentication is deprecated; Bearer authentication is preferred.',
  'Authorization: required. Call 555-0100 or +1 415 555 2671; ISBN 978-3-16-148410-0 and order 4111111111111112 are no cards.',
  'Use --password to set it, and mysql -p app prompts for one; docker run -u 1000:1000 runs as that user.',
  'token: Token to check that the reset link is valid.',
  '',
  '| Option | Token kind | Default |',
  '|---|---|---|',
  '| --sep | Token | comma |',
  '',
  '| Credential | Use |',
  '| --- | --- |',
  '| [`ClientSecretCredential`](https://learn.microsoft.com/javascript/api/) | A service principal with a secret. |',
  '',
  '| Setting | Value |',
  '| ------- | ----- |',
  '| user | jane |',
  'The threads provide basic blocking/signaling, and Basic low-level support; the password is re-entered.',
].join('\n');

describe('scrubSecrets', () => {
  for (const { format, value, line, toEnd } of PLANTED) {
    it(`removes a ${format}`, () => {
      const planted = line(value);
      const { text, redactions } = scrubSecrets(`Before it.\n${planted}\nAfter it.`);
      assert.ok(!text.includes(value), `${format} survived: ${text}`);
      assert.equal(redactions, 1);
      assert.ok(text.startsWith('Before it.\n') && (toEnd || text.endsWith('\nAfter it.')), text);
    });
  }

  for (const { format, value } of FORMAT_ONLY) {
    it(`knows a ${format} by its format alone`, () => {
      assert.deepEqual(scrubSecrets(`a ${value} b`), { text: 'a  b', redactions: 1 });
    });
  }

  it('leaves ordinary prose untouched: long words, hyphenated phrases, versions, URLs without passwords, identifiers', () => {
    assert.deepEqual(scrubSecrets(PROSE), { text: PROSE, redactions: 0 });
  });

  it('counts each secret once, under its most specific rule', () => {
    const text = PLANTED.slice(3, 12).map(({ value, line }) => line(value)).join('\n');
    assert.equal(scrubSecrets(text).redactions, 9);
    assert.equal(scrubSecrets('export GITHUB_TOKEN=ghp_R2d2C3poLuk3Sky8walk3rHan5olo1234ab').redactions, 1);
  });

  it('removes the value and keeps what names it', () => {
    assert.equal(scrubSecrets('export API_KEY=abc123 now').text, 'export API_KEY= now');
    assert.equal(scrubSecrets('{"password": "x1", "user": "jane"}').text, '{"password": "", "user": "jane"}');
    assert.equal(scrubSecrets('password: hunter2').text, 'password:');
    assert.equal(scrubSecrets('postgres://admin:pw@db.example.com/app').text, 'postgres://admin@db.example.com/app');
    assert.equal(scrubSecrets('Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2').text, 'Authorization: Bearer');
  });

  it('removes an unterminated private-key block to the end of the text', () => {
    assert.equal(scrubSecrets('Key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBk\nmore').text, 'Key:\n');
  });

  it('catches random base64 keys it has no format for (seeded; measured 97-100% by length)', () => {
    const random = new Random(7);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let caught = 0;
    const trials = 400;
    for (let trial = 0; trial < trials; trial++) {
      const length = 20 + random.int(45);
      let key = '';
      for (let i = 0; i < length; i++) key += alphabet[random.int(alphabet.length)];
      if (!scrubSecrets(`the value ${key} is set`).text.includes(key)) caught++;
    }
    assert.ok(caught / trials >= 0.95, `caught ${caught} of ${trials}`);
  });

  it('scrubs long adversarial lines without pathological backtracking (each of these took seconds, squared, in a first version)', () => {
    const started = performance.now();
    for (const line of ['a|'.repeat(50_000), 'x: '.repeat(40_000), 'mysql '.repeat(30_000), 'curl '.repeat(30_000), 'user=' + 'ab&cd='.repeat(20_000)]) scrubSecrets(line);
    assert.ok(performance.now() - started < 5000, `${(performance.now() - started).toFixed(0)} ms`);
  });

  it('measures entropy in bits per character', () => {
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abab'), 1);
    assert.equal(shannonEntropy('abcdefgh'), 3);
  });
});
