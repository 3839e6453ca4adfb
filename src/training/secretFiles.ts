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
  '**/.env', '**/.env.*', '**/*.env', '**/.envrc',
  // Shell and database client histories (passwords typed on command lines).
  '**/.*_history', '**/.history',
  // Keys, certificates, keystores and password databases.
  '**/*.{pem,key,p8,p12,pfx,crt,cer,der,csr,jks,keystore,ppk,asc,gpg,pgp,kdbx,kdb,ovpn}',
  // SSH material.
  '**/.ssh/**', '**/id_{rsa,dsa,ecdsa,ed25519}{,_sk}{,.pub}', '**/known_hosts', '**/authorized_keys', '**/deploy_key{,.pub}',
  // Credential stores and tool configurations that hold tokens.
  '**/.npmrc', '**/.yarnrc', '**/.yarnrc.yml', '**/.pypirc', '**/.netrc', '**/_netrc', '**/.git-credentials',
  '**/.pgpass', '**/.htpasswd', '**/.dockercfg', '**/.docker/config.json', '**/.aws/**', '**/.kube/config',
  '**/.boto', '**/.s3cfg', '**/.vault-token', '**/credentials', '**/credentials.json',
  '**/service-account*.json', '**/*secret*.{json,yml,yaml,toml}', '**/*-adminsdk-*.json',
  '**/application_default_credentials.json', '**/.cargo/credentials{,.toml}', '**/auth.json', '**/.m2/settings*.xml',
  '**/gradle.properties', '**/key.properties', '**/.terraformrc', '**/terraform.rc', '**/kubeconfig*', '**/gh/hosts.yml',
  '**/rclone.conf', '**/credentials.yml.enc', '**/master.key', '**/docker/config.json', '**/*password{,s}*.{txt,csv}',
  // Application configurations that hold connection passwords and keys.
  '**/appsettings*.json', '**/web.config', '**/wp-config.php', '**/config/database.yml', '**/application*.properties',
  // Infrastructure state and variables.
  '**/*.tfstate', '**/*.tfstate.backup', '**/*.tfvars', '**/*.tfvars.json',
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
