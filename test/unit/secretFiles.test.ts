import * as assert from 'node:assert/strict';
import { isSecretFile } from '../../src/training/secretFiles';

describe('files that hold secrets by nature', () => {
  it('knows environment, key, credential, history and configuration files, at any depth and in any case', () => {
    for (const file of [
      '.env', 'config/.env.production', 'deploy/prod.env', '.envrc', '.bash_history', 'home/.zsh_history', '.psql_history',
      'certs/server.pem', 'keys/id_rsa', 'keys/id_ed25519_sk.pub', '.ssh/config', 'ci/deploy_key', 'config/master.key',
      '.npmrc', '.cargo/credentials.toml', 'auth.json', '.m2/settings.xml', 'android/key.properties', 'gradle.properties',
      '.terraformrc', 'infra/prod.tfvars.json', 'kubeconfig.yaml', 'k8s/secret.yaml', 'config/secrets.dev.yaml',
      'firebase-adminsdk-abc12.json', 'gcloud/application_default_credentials.json', '.config/gh/hosts.yml', 'rclone.conf',
      'config/credentials.yml.enc', 'docker/config.json', 'appsettings.Development.json', 'Web.config', 'wp-config.php',
      'config/database.yml', 'notes/passwords.txt', 'export/chrome-passwords.csv', 'src/main/resources/application-prod.properties', 'package-lock.json', 'Cargo.lock',
    ]) assert.ok(isSecretFile(file), file);
  });

  it('leaves prose about secrets and ordinary files alone', () => {
    for (const file of ['README.md', 'docs/secret-management.md', 'docs/keys.md', 'history.md', 'docs/environment.md', 'src/auth.ts', 'config/settings.md']) {
      assert.equal(isSecretFile(file), false, file);
    }
  });
});
