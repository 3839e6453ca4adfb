#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_FINETUNE_SETTINGS } from '../training/finetune';
import { runEval } from './evalCommand';
import { runExport } from './exportCommand';
import { runFinetune } from './finetuneCommand';
import { runSuggest } from './suggestCommand';
import { runTune } from './tuneCommand';
import { runTrain } from './trainCommand';

/** `node dist/cli.js <command>`: the engine's command-line entry, the same code the extension runs. */
function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
}

const program = new Command()
  .name('smart-compose')
  .description('Train, evaluate and run Smart Compose language models.')
  .showHelpAfterError();

program.command('train')
  .description('train a word-level LSTM/GRU language model on text files')
  .addOption(new Option('--arch <cell>', 'recurrent cell').choices(['lstm', 'gru', 'rnn']).default('lstm'))
  .requiredOption('--corpus <paths...>', 'text files or directories (documents inside a file are separated by a line holding only a form feed)')
  .requiredOption('--out <dir>', 'model directory to write (replaced atomically)')
  .option('--embedding <n>', 'embedding size', positiveInt, 128)
  .option('--hidden <n>', 'hidden units per layer', positiveInt, 256)
  .option('--layers <n>', 'recurrent layers', positiveInt, 1)
  .option('--no-tie', 'do not tie the output layer to the embedding')
  .option('--vocab-size <n>', 'maximum vocabulary size, specials included', positiveInt, 10000)
  .option('--min-count <n>', 'minimum corpus count of a vocabulary word', positiveInt, 2)
  .option('--batch <n>', 'parallel streams per step', positiveInt, 32)
  .option('--steps <n>', 'BPTT length (tokens per stream per step)', positiveInt, 32)
  .option('--lr <rate>', 'Adam learning rate', nonNegativeNumber, 3e-3)
  .option('--dropout <rate>', 'dropout on non-recurrent connections', fraction, 0.1)
  .option('--epochs <n>', 'maximum epochs; a fraction stops partway through the last one', positiveNumber, 10)
  .option('--cooldown <f>', 'share of the planned epochs or time budget at its end over which the learning rate falls to a tenth', fraction, 0.3)
  .option('--max-seconds <s>', 'wall-clock budget for training', nonNegativeNumber, Infinity)
  .option('--validate-every <steps>', 'steps between validations (default: once an epoch)', positiveInt)
  .option('--valid-fraction <f>', 'share of the corpus held out for validation', fraction, 0.05)
  .option('--threads <n>', 'threads for the numeric kernels (1 or 2)', positiveInt, 2)
  .option('--kernels <kind>', 'numeric kernels: wasm (SIMD) or typescript (reference)', 'wasm')
  .option('--seed <n>', 'random seed (same seed and data: same weights)', positiveInt, 1)
  .option('--no-tune', 'skip choosing the confidence gate by keystroke savings on held-out text')
  .option('--init <dir>', 'continue training this model (its architecture, vocabulary and weights; same corpus and seed) on the text after what it saw')
  .action(async (options) => { await runTrain(options); });

program.command('eval')
  .description('measure a model on a text (shared/EVAL.md) beside its Kneser-Ney trigram baseline')
  .requiredOption('--model <dir>', 'model directory')
  .requiredOption('--text <file>', 'UTF-8 text to measure on (one document)')
  .option('--json', 'print one JSON line last')
  .option('--kernels <kind>', 'numeric kernels for perplexity and accuracy: wasm or typescript', 'wasm')
  .addOption(new Option('--runtime <kind>', 'runtime for keystroke savings (as in the editor)').choices(['onnx', 'typescript']).default('onnx'))
  .option('--no-ksr', 'skip keystroke savings (they type the whole text through the suggestion engine)')
  .option('--min-confidence <p>', 'confidence gate for keystroke savings (default: the model\'s measured one)', fraction)
  .action(async (options) => { await runEval(options); });

program.command('suggest')
  .description('print the suggestion for a cursor after TEXT, or speak the JSON-lines protocol of shared/EVAL.md with --stdio')
  .argument('[text]', 'the text before the cursor')
  .requiredOption('--model <dir>', 'model directory')
  .option('--stdio', 'read {"text": ...} lines on stdin, answer {"suggestion": ...} lines on stdout')
  .addOption(new Option('--runtime <kind>', 'inference runtime').choices(['onnx', 'typescript']).default('onnx'))
  .option('--min-confidence <p>', 'confidence gate (default: the model\'s measured one)', fraction)
  .action(async (text: string | undefined, options) => { await runSuggest(text, options); });

program.command('tune')
  .description('choose the confidence gate by measured keystroke savings on held-out text')
  .requiredOption('--model <dir>', 'model directory (with its ONNX export)')
  .requiredOption('--text <files...>', 'held-out text files, each one document')
  .addOption(new Option('--runtime <kind>', 'inference runtime').choices(['onnx', 'typescript']).default('onnx'))
  .option('--write', 'store the chosen gate in the model\'s manifest')
  .action(async (options) => { await runTune(options); });

program.command('export')
  .description('write the model\'s ONNX file into its directory, for the ONNX Runtime')
  .requiredOption('--model <dir>', 'model directory')
  .addOption(new Option('--weights <dtype>', 'first rewrite the weights file in this precision (float16 halves it)').choices(['float32', 'float16']))
  .action(async (options) => { await runExport(options); });

program.command('finetune')
  .description('fine-tune a model on the prose of workspace folders (secrets removed); the result is written only if it is better on held-out files')
  .requiredOption('--base <dir>', 'model directory to start from')
  .requiredOption('--workspace <dirs...>', 'workspace folders (.gitignore honoured, secret files skipped)')
  .requiredOption('--out <dir>', 'model directory to write (atomically; may be --base); untouched when the new model is not better')
  .option('--max-seconds <s>', 'wall-clock budget of the training (measuring before and after comes on top)', positiveNumber, DEFAULT_FINETUNE_SETTINGS.maxSeconds)
  .option('--seed <n>', 'random seed (held-out files, training order)', positiveInt, 1)
  .addOption(new Option('--runtime <kind>', 'runtime that measures keystroke savings (as in the editor)').choices(['onnx', 'typescript']).default('onnx'))
  .option('--json', 'print one JSON line last')
  .action(async (options) => { await runFinetune(options); });

// A reader that stops reading (`suggest --stdio | head -1`) has what it wanted: end quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
