// The VS Code extension's entry point (bundled by esbuild to dist/extension.js): the "Smart Compose" log, the
// inline-completion provider over the suggestion engine, its settings, the toggle command and the status bar item.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RuntimeKind } from './inference/runtime';
import { ComposeController } from './provider/composeController';
import { Answer, SmartComposeProvider } from './provider/inlineProvider';
import { loadWithFallback, ModelChoice, ModelSlot, ModelStatus } from './provider/modelSlot';

let log: vscode.LogOutputChannel | undefined;

/** Answers kept for the end-to-end tests' hook. */
const KEPT_ANSWERS = 200;

/** What activate() returns in test mode only: the provider's recent answers, newest last, and load failures shown. */
export interface SmartComposeTestApi {
  answers: readonly Answer[];
  failures: readonly string[];
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function memoryLine(): string {
  const memory = process.memoryUsage();
  return `rss ${megabytes(memory.rss)}, heap used ${megabytes(memory.heapUsed)} of ${megabytes(memory.heapTotal)}, ` +
    `external ${megabytes(memory.external)}, array buffers ${megabytes(memory.arrayBuffers)}`;
}

export function activate(context: vscode.ExtensionContext): SmartComposeTestApi | undefined {
  const started = performance.now();
  log = vscode.window.createOutputChannel('Smart Compose', { log: true });
  context.subscriptions.push(log);
  const channel = log;

  // Tests and development point the extension at models trained for them; a user's installation never reads
  // this variable, so only the settings choose its model there.
  const modelsOverride = context.extensionMode !== vscode.ExtensionMode.Production ? process.env.SMART_COMPOSE_MODELS_DIR : undefined;
  const modelChoice = (): ModelChoice => {
    const config = vscode.workspace.getConfiguration('smartCompose');
    const name = config.get<string>('model') === 'gru' ? 'gru' : 'lstm';
    const runtime: RuntimeKind = config.get<string>('runtime') === 'typescript' ? 'typescript' : 'onnx';
    const directory = modelsOverride ? join(modelsOverride, name) : context.asAbsolutePath(join('media', 'models', name));
    return { name, directory, runtime };
  };

  const statusItem = vscode.window.createStatusBarItem('smartCompose.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'Smart Compose';
  statusItem.command = 'smartCompose.toggle';
  context.subscriptions.push(statusItem);
  let modelStatus: ModelStatus = 'idle';
  const showStatus = (): void => {
    const enabled = vscode.workspace.getConfiguration('smartCompose').get<boolean>('enable', true);
    const model = modelChoice().name.toUpperCase();
    const state = !enabled ? 'off' : modelStatus === 'idle' ? 'loads on first use' : modelStatus;
    statusItem.text = `${!enabled ? '$(circle-slash)' : modelStatus === 'loading' ? '$(loading~spin)' : modelStatus === 'error' ? '$(error)' : '$(sparkle)'} ${model}`;
    statusItem.tooltip = `Smart Compose: ${model} model, ${state}. Click to turn suggestions ${enabled ? 'off' : 'on'}.`;
    statusItem.show();
  };

  const failures: string[] = [];
  const models = new ModelSlot((directory, runtime) => loadWithFallback(directory, runtime, (message) => channel.warn(message)), {
    status: (status) => {
      modelStatus = status;
      showStatus();
    },
    loaded: (loaded, choice) => {
      channel.info(
        `loaded the ${choice.name} model from ${choice.directory} with the ${loaded.runtime.name} runtime in ` +
          `${loaded.runtime.loadMilliseconds.toFixed(0)} ms (resident memory +${megabytes(loaded.runtime.loadMemoryBytes)}; ` +
          `vocabulary ${loaded.vocabulary.size}, confidence gate ${loaded.policy.minConfidence}); extension host memory: ${memoryLine()}`,
      );
    },
    failed: (error, choice) => {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(message);
      channel.error(`cannot load the ${choice.name} model: ${message}`);
      void vscode.window
        .showErrorMessage(`Smart Compose: the ${choice.name.toUpperCase()} model cannot be loaded, so there are no suggestions. ${message}`, 'Show Log')
        .then((action) => {
          if (action === 'Show Log') channel.show(true);
        });
    },
  });
  context.subscriptions.push({ dispose: () => models.release() });

  const controller = new ComposeController();
  const answers: Answer[] = [];
  const provider = new SmartComposeProvider(controller, models, modelChoice, (answer) => {
    answers.push(answer);
    if (answers.length > KEPT_ANSWERS) answers.shift();
  }, channel);
  context.subscriptions.push(
    vscode.languages.registerInlineCompletionItemProvider(
      [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-scm' }],
      provider,
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('smartCompose.model') || event.affectsConfiguration('smartCompose.runtime')) {
        // The next request loads the newly chosen model; nothing is loaded before it is needed.
        models.release();
        controller.reset();
      }
      if (event.affectsConfiguration('smartCompose')) showStatus();
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      void models.ifLoaded().then((loaded) => loaded?.engine.forget(document.uri.toString()));
    }),
    vscode.commands.registerCommand('smartCompose.showLog', () => {
      channel.show(true);
    }),
    vscode.commands.registerCommand('smartCompose.toggle', async () => {
      const config = vscode.workspace.getConfiguration('smartCompose');
      const enable = !config.get<boolean>('enable', true);
      await config.update('enable', enable, vscode.ConfigurationTarget.Global);
      channel.info(`suggestions turned ${enable ? 'on' : 'off'}`);
    }),
  );
  showStatus();

  const version = (context.extension.packageJSON as { version?: unknown }).version;
  channel.info(
    `Smart Compose ${typeof version === 'string' ? version : '?'} activated in ${(performance.now() - started).toFixed(1)} ms ` +
      `(VS Code ${vscode.version}, ${vscode.env.appHost}, UI ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}, ` +
      `Node ${process.version}, extension mode ${vscode.ExtensionMode[context.extensionMode]})`,
  );
  if (modelsOverride) channel.info(`models come from SMART_COMPOSE_MODELS_DIR=${modelsOverride}`);
  channel.info(`extension host memory: ${memoryLine()}`);
  return context.extensionMode === vscode.ExtensionMode.Test ? { answers, failures } : undefined;
}

export function deactivate(): void {
  log?.info('Smart Compose deactivated');
  log = undefined;
}
