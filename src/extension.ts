// The VS Code extension's entry point (bundled by esbuild to dist/extension.js). Thin for now: it opens the
// "Smart Compose" log and registers "Smart Compose: Show Log". No suggestions yet: the inline-completion provider
// comes with the suggestion engine.
import * as vscode from 'vscode';

let log: vscode.LogOutputChannel | undefined;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  log = vscode.window.createOutputChannel('Smart Compose', { log: true });
  context.subscriptions.push(log);
  const channel = log;

  context.subscriptions.push(
    vscode.commands.registerCommand('smartCompose.showLog', () => {
      channel.show(true);
    }),
  );

  const memory = process.memoryUsage();
  const version = (context.extension.packageJSON as { version?: unknown }).version;
  channel.info(
    `Smart Compose ${typeof version === 'string' ? version : '?'} activated in ${(performance.now() - started).toFixed(1)} ms ` +
      `(VS Code ${vscode.version}, ${vscode.env.appHost}, UI ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}, ` +
      `Node ${process.version}, extension mode ${vscode.ExtensionMode[context.extensionMode]})`,
  );
  channel.info(
    `extension host memory: rss ${megabytes(memory.rss)}, heap used ${megabytes(memory.heapUsed)} of ${megabytes(memory.heapTotal)}, ` +
      `external ${megabytes(memory.external)}, array buffers ${megabytes(memory.arrayBuffers)}`,
  );
}

export function deactivate(): void {
  log?.info('Smart Compose deactivated');
  log = undefined;
}
