// The VS Code side of Train on Workspace: the commands Train on Workspace, Cancel Training, Show Training Report and
// Reset to Default Model, the progress notification and the report's webview. What to train on, whether training
// may start, the progress text, the job and the saved report are decided in the plain-TypeScript files beside this.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { FinetuneSettings } from '../training/finetune';
import { renderTrainingReport } from '../training/report/reportPage';
import { formatTrainingReportText } from '../training/report/reportText';
import type { TrainingReport } from '../training/report/trainingReport';
import { ModelChoice } from './modelSlot';
import { loadReport } from './savedReport';
import { collectSettings, trainingGate } from './trainingPlan';
import { ProgressStep, TrainingProgressView } from './trainingProgress';
import { WorkspaceModels } from './workspaceModels';
import { TrainingEnd, WorkspaceTraining } from './workspaceTraining';

/** What Train on Workspace showed, for the end-to-end tests. */
export interface TrainingRecord {
  /** Every step of the progress notification, in order. */
  progress: ProgressStep[];
  /** How each run ended ('error': it could not run or its report could not be saved). */
  ends: Array<{ status: TrainingEnd['outcome']['status'] | 'error'; kept?: boolean; longestStallMs?: number; cancelMs?: number }>;
  /** The report pages shown, in order. */
  reportsShown: Array<{ title: string; html: string }>;
}

export interface TrainingHost {
  log: vscode.LogOutputChannel;
  /** This workspace's trained models (undefined when no folder or workspace is open). */
  workspaceModels: WorkspaceModels | undefined;
  modelChoice(): ModelChoice;
  /** 'LSTM', or 'LSTM (workspace)' for a trained model. */
  modelLabel(choice: ModelChoice): string;
  labelOf(name: string): string;
  /** The model files changed: drop the loaded model (the next keystroke loads the new choice), update the status. */
  modelsChanged(): void;
  /** The status bar's "training n%", undefined when no run is in progress. */
  showTrainingPercent(percent: number | undefined): void;
  /** A modal question; true when the user picked `action`. */
  confirm(message: string, action: string): Promise<boolean>;
  /** Fine-tuning settings over the engine's defaults (none for users; the tests give a tiny model's budget). */
  finetuneSettings(): Partial<FinetuneSettings>;
  record: TrainingRecord;
}

export const TRAINING_CONTEXT = 'smartCompose.training';
export const TRAINED_MODEL_CONTEXT = 'smartCompose.hasTrainedModel';

const percentOf = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

export function registerTrainingCommands(host: TrainingHost): vscode.Disposable[] {
  const { log, record } = host;
  const training = new WorkspaceTraining();
  let reportPanel: vscode.WebviewPanel | undefined;

  const setContexts = () => {
    void vscode.commands.executeCommand('setContext', TRAINING_CONTEXT, training.running);
    void vscode.commands.executeCommand('setContext', TRAINED_MODEL_CONTEXT, ['lstm', 'gru'].some((arch) => host.workspaceModels?.has(arch)));
  };

  const showReport = (report: TrainingReport) => {
    const title = `Training Report: ${host.labelOf(report.model)}`;
    if (reportPanel) {
      reportPanel.reveal(undefined, true);
    } else {
      // No script and no local files: the page is static HTML with one nonce'd stylesheet (renderTrainingReport).
      reportPanel = vscode.window.createWebviewPanel('smartCompose.trainingReport', title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, localResourceRoots: [] });
      reportPanel.onDidDispose(() => { reportPanel = undefined; });
    }
    reportPanel.title = title;
    const html = renderTrainingReport(report, { nonce: randomBytes(18).toString('base64'), cspSource: reportPanel.webview.cspSource });
    reportPanel.webview.html = html;
    record.reportsShown.push({ title, html });
  };

  const finished = (end: TrainingEnd, arch: string, label: string) => {
    const { outcome } = end;
    log.info(`longest event-loop stall of the extension host during training: ${end.longestStallMs.toFixed(1)} ms (target < 50 ms)`);
    record.ends.push({ status: outcome.status, kept: outcome.status === 'done' ? outcome.result.kept : undefined, longestStallMs: end.longestStallMs, cancelMs: end.cancelMs });
    if (outcome.status === 'cancelled') {
      log.info(`training cancelled${end.cancelMs !== undefined ? ` (stopped ${end.cancelMs.toFixed(0)} ms after the request)` : ''}; the previous model is unchanged`);
      void vscode.window.showInformationMessage(`Smart Compose: training cancelled. The ${label} model in use is unchanged.`);
      return;
    }
    if (outcome.status === 'failed') {
      log.error(`training failed: ${outcome.message}`);
      const message = `Smart Compose: ${outcome.inputError ? 'nothing to train on' : 'training failed'}: ${outcome.message}. No new model.`;
      void (outcome.inputError ? vscode.window.showWarningMessage(message, 'Show Log') : vscode.window.showErrorMessage(message, 'Show Log'))
        .then((action) => { if (action === 'Show Log') log.show(true); });
      return;
    }
    const { result } = outcome;
    if (end.reportError) log.warn(`the training report could not be saved (${end.reportError}): Show Training Report will not find it`);
    if (end.report) {
      for (const line of formatTrainingReportText(end.report)) log.info(line);
      showReport(end.report);
    }
    if (result.kept) {
      host.workspaceModels?.refresh();
      host.modelsChanged();
      setContexts();
      const inUse = host.modelChoice().name === arch;
      void vscode.window.showInformationMessage(`Smart Compose: the ${label} model is now trained on this workspace: keystroke savings on its held-out files `
        + `${percentOf(result.before.ksrWord)} → ${percentOf(result.after.ksrWord)}. ${inUse ? 'It suggests from the next keystroke.' : `Choose ${host.labelOf(arch)} to use it.`}`);
    } else {
      void vscode.window.showInformationMessage(`Smart Compose: the new model was not better on the workspace's held-out files, so the ${label} model in use stays.`);
    }
  };

  const train = async (): Promise<string> => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const gate = trainingGate({
      trusted: vscode.workspace.isTrusted,
      folders: folders.map((folder) => ({ scheme: folder.uri.scheme, fsPath: folder.uri.fsPath })),
      storage: host.workspaceModels?.storage,
      running: training.running,
    });
    if (gate.kind === 'running') {
      void vscode.window.showInformationMessage('Smart Compose is already training on this workspace; one run at a time.', 'Show Progress', 'Cancel Training').then((action) => {
        if (action === 'Show Progress') void vscode.commands.executeCommand('notifications.showList');
        if (action === 'Cancel Training') void vscode.commands.executeCommand('smartCompose.cancelTraining');
      });
      return gate.kind;
    }
    if (gate.kind === 'refused' || !host.workspaceModels) {
      const message = gate.kind === 'refused' ? gate.message : 'no storage for this workspace';
      log.warn(`training refused: ${message}`);
      void vscode.window.showWarningMessage(`Smart Compose: ${message}`);
      return 'refused';
    }
    const stored = host.workspaceModels;
    const choice = host.modelChoice();
    const label = host.modelLabel(choice);
    const config = vscode.workspace.getConfiguration('smartCompose.training', folders[0].uri);
    const collect = collectSettings({
      include: config.get<string[]>('include', []),
      exclude: config.get<string[]>('exclude', []),
      maxFileSizeKB: config.get<number>('maxFileSizeKB', 1024),
      filesExclude: vscode.workspace.getConfiguration('files', folders[0].uri).get<Record<string, unknown>>('exclude', {}),
    });
    log.info(`training the ${label} model (${choice.directory}) on ${gate.roots.join(', ')}`);
    const view = new TrainingProgressView();
    // The notification's reporter arrives when VS Code has shown it, perhaps after the first steps: it then starts
    // from the last step.
    let lastStep: ProgressStep | undefined;
    let notify: ((step: ProgressStep) => void) | undefined;
    // Started before the notification, so that a second request at once finds it running.
    const running = training.run({
      arch: choice.name, base: choice.directory, fallbackBase: choice.fallback?.directory, out: stored.directory(choice.name), reportFile: stored.reportFile,
      settings: host.finetuneSettings(), source: { roots: gate.roots, collect },
    }, {
      onCollected: (summary) => {
        const skipped = Object.entries(summary.skipped).filter(([, n]) => n > 0).map(([reason, n]) => `${n} ${reason}`).join(', ');
        log.info(`collected ${summary.files} of ${summary.filesSeen} files${skipped ? ` (skipped: ${skipped})` : ''}, ${summary.redactions} secrets removed`);
      },
      onProgress: (p) => {
        lastStep = view.step(p);
        record.progress.push(lastStep);
        notify?.(lastStep);
        host.showTrainingPercent(lastStep.percent);
      },
      onLog: (line) => log.info(line),
    });
    host.showTrainingPercent(0);
    setContexts();
    try {
      const end = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Smart Compose: training the ${label} model on this workspace`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => training.cancel());
          progress.report(lastStep ? { increment: lastStep.percent, message: lastStep.message } : { message: 'reading the workspace files' });
          notify = (step) => progress.report({ increment: step.increment, message: step.message });
          return running;
        },
      );
      finished(end, choice.name, label);
      return end.outcome.status;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`training failed: ${message}`);
      record.ends.push({ status: 'error' });
      void vscode.window.showErrorMessage(`Smart Compose: training failed: ${message}`);
      return 'error';
    } finally {
      host.showTrainingPercent(undefined);
      setContexts();
    }
  };

  const reset = async (only?: unknown): Promise<boolean> => {
    const stored = host.workspaceModels;
    const archs = ['lstm', 'gru'].filter((arch) => stored?.has(arch) && (only === undefined || only === arch));
    if (!stored || archs.length === 0) {
      void vscode.window.showInformationMessage('Smart Compose: this workspace has no trained model; the default model is in use.');
      return false;
    }
    if (training.running) {
      void vscode.window.showWarningMessage('Smart Compose: training is in progress; cancel it (Smart Compose: Cancel Training) before resetting.');
      return false;
    }
    const names = archs.map((arch) => host.labelOf(arch)).join(' and ');
    if (!(await host.confirm(`Remove the ${names} model trained on this workspace and go back to the default?`, 'Reset'))) return false;
    // Renamed first, so that the model is gone in one step and a crash cannot leave half a directory to load; the
    // next keystroke then loads the default (the loaded model is held by its requests in flight, its files read).
    const removing: Array<{ arch: string; directory: string; renamed: string }> = [];
    for (const arch of archs) {
      const directory = stored.directory(arch);
      const renamed = `${directory}.removing-${randomBytes(4).toString('hex')}`;
      await fs.rename(directory, renamed);
      removing.push({ arch, directory, renamed });
    }
    stored.refresh();
    host.modelsChanged();
    for (const { arch, directory, renamed } of removing) {
      await fs.rm(renamed, { recursive: true, force: true });
      log.info(`removed the ${arch} model trained on this workspace (${directory})`);
    }
    setContexts();
    void vscode.window.showInformationMessage(`Smart Compose: back to the default ${names} model.`);
    return true;
  };

  setContexts();
  return [
    vscode.commands.registerCommand('smartCompose.trainOnWorkspace', train),
    vscode.commands.registerCommand('smartCompose.cancelTraining', () => {
      if (!training.cancel()) void vscode.window.showInformationMessage('Smart Compose is not training.');
    }),
    vscode.commands.registerCommand('smartCompose.showTrainingReport', async () => {
      let report: TrainingReport | undefined;
      try {
        report = host.workspaceModels ? await loadReport(host.workspaceModels.reportFile) : undefined;
      } catch (error) {
        log.error(`cannot read the last training report: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (report) showReport(report);
      else void vscode.window.showInformationMessage('Smart Compose: no training report for this workspace yet; run Smart Compose: Train on Workspace.');
    }),
    vscode.commands.registerCommand('smartCompose.resetModel', reset),
    { dispose: () => { training.cancel(); reportPanel?.dispose(); } },
  ];
}
