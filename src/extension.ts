// The VS Code extension's entry point (bundled by esbuild to dist/extension.js): the "Smart Compose" log, the
// inline-completion provider over the suggestion engine, its settings, the commands (toggle, choose model, show log,
// train on workspace, cancel training, show training report, reset to default model), the status bar item and the
// count of keystrokes saved.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RuntimeKind } from './inference/runtime';
import { ComposeController } from './provider/composeController';
import { ACCEPTED_COMMAND, Answer, SmartComposeProvider } from './provider/inlineProvider';
import { ModelFacts, ModelOption, PickItem, pickItems, readModelFacts } from './provider/modelPicker';
import { loadWithFallback, ModelChoice, ModelSlot, ModelStatus } from './provider/modelSlot';
import { directoryWithOnnx } from './provider/onnxExportCache';
import { SavedCounts, SavedKeystrokes } from './provider/savedKeystrokes';
import { statusBarView } from './provider/statusBar';
import { registerTrainingCommands, TrainingRecord } from './provider/trainingCommands';
import { isTrainedChoice, preferredModel, WorkspaceModels } from './provider/workspaceModels';
import type { FinetuneSettings } from './training/finetune';

let log: vscode.LogOutputChannel | undefined;

/** Answers kept for the end-to-end tests' hook. */
const KEPT_ANSWERS = 200;

/** A model quick pick as shown: its items' labels, and the label of the item active now (VS Code sets it). */
export interface ShownQuickPick {
  labels: string[];
  active?: string;
}

/**
 * What activate() returns in test mode only: the provider's recent answers, newest last, load failures shown, the
 * model quick picks shown, the keystrokes saved, what training showed; fine-tuning settings for the next runs (a
 * tiny model's budget), and the answers the next modal confirmations get (the tests cannot click a dialog).
 */
export interface SmartComposeTestApi {
  answers: readonly Answer[];
  failures: readonly string[];
  quickPicks: readonly ShownQuickPick[];
  savedKeystrokes(): SavedCounts;
  training: TrainingRecord;
  setTrainingSettings(settings: Partial<FinetuneSettings>): void;
  confirmations: string[];
}

/** Shows the quick pick and resolves with the accepted item (undefined when dismissed), recording what it shows. */
function showPick(items: PickItem[], title: string, shown: ShownQuickPick[]): Promise<PickItem | undefined> {
  const pick = vscode.window.createQuickPick<PickItem>();
  const record: ShownQuickPick = { labels: items.map((item) => item.label) };
  shown.push(record);
  pick.title = title;
  pick.items = items;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  return new Promise((resolve) => {
    pick.onDidChangeActive((active) => {
      record.active = active[0]?.label;
    });
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
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
  const modelsRoot = modelsOverride ?? context.asAbsolutePath(join('media', 'models'));
  const defaultModels: ModelOption[] = [
    { name: 'lstm', label: 'LSTM', directory: join(modelsRoot, 'lstm') },
    { name: 'gru', label: 'GRU', directory: join(modelsRoot, 'gru') },
  ];
  const labelOf = (name: string) => defaultModels.find((option) => option.name === name)?.label ?? name;
  // Train on Workspace keeps its models in this workspace's storage (none without a folder or workspace open).
  const workspaceModels = context.storageUri ? new WorkspaceModels(context.storageUri.fsPath) : undefined;
  const modelChoice = (): ModelChoice => {
    const config = vscode.workspace.getConfiguration('smartCompose');
    const chosen = defaultModels.find((option) => option.name === config.get<string>('model')) ?? defaultModels[0];
    const runtime: RuntimeKind = config.get<string>('runtime') === 'typescript' ? 'typescript' : 'onnx';
    return preferredModel(chosen, runtime, workspaceModels?.has(chosen.name) ? workspaceModels.directory(chosen.name) : undefined);
  };
  const modelLabel = (choice: ModelChoice) => `${labelOf(choice.name)}${isTrainedChoice(choice) ? ' (workspace)' : ''}`;

  const savedKeystrokes = new SavedKeystrokes(context.globalState);
  const statusItem = vscode.window.createStatusBarItem('smartCompose.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'Smart Compose';
  statusItem.command = 'smartCompose.chooseModel';
  context.subscriptions.push(statusItem);
  let modelStatus: ModelStatus = 'idle';
  let usedInstead: string | undefined;
  let trainingPercent: number | undefined;
  const showStatus = (): void => {
    const view = statusBarView({
      enabled: vscode.workspace.getConfiguration('smartCompose').get<boolean>('enable', true),
      model: modelLabel(modelChoice()),
      status: modelStatus,
      usedInstead,
      saved: savedKeystrokes.counts(),
      trainingPercent,
    });
    statusItem.text = view.text;
    statusItem.tooltip = view.tooltip;
    statusItem.show();
  };

  // The packaged default models carry no ONNX export: it is made once into the extension's global storage.
  const onnxCache = join(context.globalStorageUri.fsPath, 'onnx-exports');
  const withOnnx = async (directory: string): Promise<string> => {
    const started = performance.now();
    const ready = await directoryWithOnnx(directory, onnxCache);
    if (ready !== directory) channel.info(`ONNX export of ${directory} ready in ${ready} after ${(performance.now() - started).toFixed(0)} ms`);
    return ready;
  };
  const failures: string[] = [];
  const quickPicks: ShownQuickPick[] = [];
  const models = new ModelSlot((directory, runtime) => loadWithFallback(directory, runtime, (message) => channel.warn(message), withOnnx), {
    status: (status) => {
      modelStatus = status;
      if (status !== 'ready') usedInstead = undefined;
      showStatus();
    },
    loaded: (loaded, choice) => {
      usedInstead = choice.name !== modelChoice().name || choice.directory !== modelChoice().directory ? labelOf(choice.name) : undefined;
      channel.info(
        `loaded the ${choice.name} model from ${choice.directory} with the ${loaded.runtime.name} runtime in ` +
          `${loaded.runtime.loadMilliseconds.toFixed(0)} ms (resident memory +${megabytes(loaded.runtime.loadMemoryBytes)}; ` +
          `vocabulary ${loaded.vocabulary.size}, confidence gate ${loaded.policy.minConfidence}); extension host memory: ${memoryLine()}`,
      );
    },
    failed: (error, choice, instead, fallbackError) => {
      const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));
      const message = reason(error);
      failures.push(message);
      channel.error(`cannot load the ${choice.name} model: ${message}`);
      if (fallbackError !== undefined) channel.error(`nor its fallback: ${reason(fallbackError)}`);
      const notice = instead
        ? vscode.window.showWarningMessage(`Smart Compose: the ${modelLabel(choice)} model cannot be loaded, so the default ${labelOf(instead.name)} model suggests instead. ${message}`, 'Show Log')
        : vscode.window.showErrorMessage(`Smart Compose: the ${modelLabel(choice)} model cannot be loaded, so there are no suggestions. ${message}`, 'Show Log');
      void notice.then((action) => {
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
    vscode.commands.registerCommand('smartCompose.chooseModel', async () => {
      const config = vscode.workspace.getConfiguration('smartCompose');
      const facts = new Map<string, ModelFacts>();
      const trained = new Map<string, ModelFacts>();
      for (const option of defaultModels) {
        facts.set(option.name, await readModelFacts(option.directory));
        if (workspaceModels?.has(option.name)) trained.set(option.name, await readModelFacts(workspaceModels.directory(option.name)));
      }
      const items = pickItems(defaultModels, facts, modelChoice().name, config.get<boolean>('enable', true), trained);
      const picked = await showPick(items, 'Smart Compose: Choose Model', quickPicks);
      if (picked?.action.kind === 'toggle') await vscode.commands.executeCommand('smartCompose.toggle');
      if (picked?.action.kind === 'reset' && !(await vscode.commands.executeCommand<boolean>('smartCompose.resetModel', picked.action.name))) return;
      if (picked && picked.action.kind !== 'toggle' && picked.action.name !== modelChoice().name) {
        await config.update('model', picked.action.name, vscode.ConfigurationTarget.Global);
        channel.info(`model ${picked.action.name} chosen`);
      }
    }),
    // Run by VS Code after a whole suggestion is accepted (InlineCompletionItem.command); not in the palette.
    vscode.commands.registerCommand(ACCEPTED_COMMAND, async (saved: unknown) => {
      const counts = await savedKeystrokes.accepted(typeof saved === 'number' ? saved : 0);
      channel.trace(`suggestion accepted: ${String(saved)} keystrokes saved (today ${counts.today}, overall ${counts.total})`);
      showStatus();
    }),
  );

  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const training: TrainingRecord = { progress: [], ends: [], reportsShown: [] };
  let finetuneSettings: Partial<FinetuneSettings> = {};
  const confirmations: string[] = [];
  context.subscriptions.push(...registerTrainingCommands({
    log: channel,
    workspaceModels,
    modelChoice,
    modelLabel,
    labelOf,
    modelsChanged: () => {
      models.release();
      showStatus();
    },
    showTrainingPercent: (percent) => {
      if (percent === trainingPercent) return;
      trainingPercent = percent;
      showStatus();
    },
    confirm: async (message, action) => {
      if (testMode && confirmations.length > 0) return confirmations.shift() === action;
      return (await vscode.window.showWarningMessage(`Smart Compose: ${message}`, { modal: true }, action)) === action;
    },
    finetuneSettings: () => finetuneSettings,
    record: training,
  }));
  showStatus();

  const version = (context.extension.packageJSON as { version?: unknown }).version;
  channel.info(
    `Smart Compose ${typeof version === 'string' ? version : '?'} activated in ${(performance.now() - started).toFixed(1)} ms ` +
      `(VS Code ${vscode.version}, ${vscode.env.appHost}, UI ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}, ` +
      `Node ${process.version}, extension mode ${vscode.ExtensionMode[context.extensionMode]})`,
  );
  if (modelsOverride) channel.info(`models come from SMART_COMPOSE_MODELS_DIR=${modelsOverride}`);
  channel.info(`extension host memory: ${memoryLine()}`);
  return testMode
    ? {
      answers, failures, quickPicks, savedKeystrokes: () => savedKeystrokes.counts(),
      training, setTrainingSettings: (settings) => { finetuneSettings = { ...settings }; }, confirmations,
    }
    : undefined;
}

export function deactivate(): void {
  log?.info('Smart Compose deactivated');
  log = undefined;
}
