import { Minimatch } from 'minimatch';

/**
 * Files that hold secrets by their nature: environment files, keys and certificates, credential stores, SSH
 * material, package-manager and cloud tool configurations that carry tokens, infrastructure state, and
 * lockfiles (integrity hashes and registry URLs, which are random strings and sometimes carry credentials).
 * They are never read, whatever the include setting says; scrubbing their text would be a guess, skipping
 * them is certain.
 */
const SECRET_FILE_GLOBS: readonly string[] = [
  // Environment files (.env, .env.local, production.env).
  '**/.env', '**/.env.*', '**/*.env',
  // Keys, certificates, keystores and password databases.
  '**/*.{pem,key,p8,p12,pfx,crt,cer,der,csr,jks,keystore,ppk,asc,gpg,pgp,kdbx,kdb,ovpn}',
  // SSH material.
  '**/.ssh/**', '**/id_{rsa,dsa,ecdsa,ed25519}{,.pub}', '**/known_hosts', '**/authorized_keys',
  // Credential stores and tool configurations that hold tokens.
  '**/.npmrc', '**/.yarnrc', '**/.yarnrc.yml', '**/.pypirc', '**/.netrc', '**/_netrc', '**/.git-credentials',
  '**/.pgpass', '**/.htpasswd', '**/.dockercfg', '**/.docker/config.json', '**/.aws/**', '**/.kube/config',
  '**/kubeconfig', '**/.boto', '**/.s3cfg', '**/.vault-token', '**/credentials', '**/credentials.json',
  '**/client_secret*.json', '**/service-account*.json', '**/secrets.{json,yml,yaml,toml}',
  // Infrastructure state and variables.
  '**/*.tfstate', '**/*.tfstate.backup', '**/*.tfvars',
  // Lockfiles.
  '**/package-lock.json', '**/npm-shrinkwrap.json', '**/yarn.lock', '**/pnpm-lock.yaml', '**/bun.lockb',
  '**/Cargo.lock', '**/poetry.lock', '**/Pipfile.lock', '**/uv.lock', '**/Gemfile.lock', '**/composer.lock',
  '**/go.sum', '**/mix.lock', '**/pubspec.lock', '**/flake.lock', '**/packages.lock.json', '**/Podfile.lock',
];

const SECRET_FILES = SECRET_FILE_GLOBS.map((glob) => new Minimatch(glob, { dot: true, nocase: true }));

/** Whether the file at `relativePath` (posix, relative to its workspace folder) holds secrets by nature. */
export function isSecretFile(relativePath: string): boolean {
  return SECRET_FILES.some((glob) => glob.match(relativePath));
}
