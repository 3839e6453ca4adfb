import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, screenshot } from './helpers';

describe('Smart Compose extension', () => {
  it('activates', async () => {
    const extension = await activateExtension();
    assert.equal(extension.id, EXTENSION_ID);
    assert.equal(extension.isActive, true);
  });

  it('contributes and registers "Smart Compose: Show Log", which runs', async () => {
    await activateExtension();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes?: { commands?: Array<{ command: string; title: string; category?: string }> };
    };
    const contributed = manifest.contributes?.commands?.find((command) => command.command === 'smartCompose.showLog');
    assert.ok(contributed, 'package.json contributes smartCompose.showLog');
    assert.equal(`${contributed.category ? `${contributed.category}: ` : ''}${contributed.title}`, 'Smart Compose: Show Log');
    for (const command of manifest.contributes?.commands ?? []) assert.equal(command.category, 'Smart Compose', command.command);
    assert.ok(manifest.contributes?.commands?.some((command) => command.command === 'smartCompose.chooseModel'), 'Choose Model is contributed');

    const registered = await vscode.commands.getCommands(true);
    assert.ok(registered.includes('smartCompose.showLog'), 'smartCompose.showLog is registered');
    await vscode.commands.executeCommand('smartCompose.showLog');
    await screenshot('show-log');
  });
});
