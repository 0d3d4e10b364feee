import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, parse, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendRequest } from '../backend/selectBackend.ts';
import type { CommandIO } from '../run/Logger.ts';
import { streamLogger } from '../run/Logger.ts';
import { UsageError } from './UsageError.ts';
import { UserError } from '../run/UserError.ts';

export const PREDICT_HELP = `Usage: experiment predict --model DIR --data SPLIT_DIR --out FILE [options]

Scores every impression of a MIND-format split with a saved model and writes
the MIND leaderboard's prediction format: one line per impression, in the
order of behaviors.tsv, with the impression id and the 1-based rank of each
candidate in candidate order, for example '17 [3,1,2]'. When the split is
labelled (dev), it also prints AUC, MRR, nDCG@5 and nDCG@10, computed as the
evaluate stage computes them.

Options:
      --model DIR            Saved model directory, e.g. runs/<recipe>/<run>/stages/distill-fine-tune/student (required)
      --data SPLIT_DIR       Split directory with news.tsv and behaviors.tsv, labelled or not (required)
      --out FILE             Prediction file to write, e.g. prediction.txt (required)
      --zip                  Also write FILE with .zip in place of its extension, holding prediction.txt,
                             the archive the leaderboard accepts
      --title-length N       Title tokens per news article (default: the titleLength recorded in the
                             model's newsrec-model.json, else 30, the evaluate stage's default)
      --history-length N     Clicked news per user history (default: the historyLength recorded in
                             newsrec-model.json, else 50)
      --batch-size N         Impressions scored per batch (default: 128, the evaluate stage's default)
      --backend NAME         ${BACKEND_NAMES.join(', ')} (default: auto)
  -h, --help                 Show this help

A training stage that saves a model records its titleLength and historyLength
in newsrec-model.json; predict uses them unless the flags override them, and
logs which lengths it uses and where they come from. Use the lengths and the
batch size that the model was evaluated with, or the metrics differ from the
evaluate stage's (batches of another size can round scores differently and
swap near ties).

Every built-in news and user encoder loads, and plug-in components load when
the plug-in modules named in the model's newsrec-model.json still exist.

Examples:
  experiment predict --model runs/quickstart/RUN/stages/distill-fine-tune/student \\
    --data ../shared/data/mind-sample/test --out prediction.txt --zip
  experiment predict --model DIR --data /data/MINDsmall_dev --out dev-prediction.txt --history-length 20
`;

/** `experiment predict`: writes leaderboard predictions of a saved model for one split. */
export async function predictCommand(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      help: { type: 'boolean', short: 'h' },
      model: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      zip: { type: 'boolean' },
      'title-length': { type: 'string' },
      'history-length': { type: 'string' },
      'batch-size': { type: 'string' },
      backend: { type: 'string' },
    },
  });
  if (values.help === true) {
    io.stdout.write(PREDICT_HELP);
    return 0;
  }
  const model = requireOption(values.model, '--model DIR');
  const data = requireOption(values.data, '--data SPLIT_DIR');
  const out = requireOption(values.out, '--out FILE');
  const titleFlag = positiveInteger(values['title-length'], '--title-length');
  const historyFlag = positiveInteger(values['history-length'], '--history-length');
  const batchSize = positiveInteger(values['batch-size'], '--batch-size') ?? 128;
  if (values.zip === true && parse(out).ext === '.zip') {
    throw new UsageError(`--out ${out}: with --zip, name the text file (e.g. prediction.txt); the archive goes next to it`);
  }
  checkPredictPaths(model, out);
  const backend = values.backend ?? 'auto';
  if (!(BACKEND_NAMES as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend: unknown backend '${backend}'; backends: ${BACKEND_NAMES.join(', ')}`);
  }

  const log = streamLogger({ stdout: io.stderr, stderr: io.stderr });
  const { readModelManifest } = await import('../model/ModelManifest.ts');
  const recorded = (await readModelManifest(model)).lengths;
  const titleLength = chooseLength(titleFlag, '--title-length', recorded?.titleLength, 'titleLength', DEFAULT_TITLE_LENGTH);
  const historyLength = chooseLength(historyFlag, '--history-length', recorded?.historyLength, 'historyLength', DEFAULT_HISTORY_LENGTH);
  log.info(`title length ${titleLength.value} (${titleLength.source}), history length ${historyLength.value} (${historyLength.source})`);
  const options = { titleLength: titleLength.value, historyLength: historyLength.value, batchSize };
  const { selectBackend } = await import('../backend/selectBackend.ts');
  const selection = await selectBackend(backend as BackendRequest);
  if (selection.tfBackend === 'wasm') {
    const { threadCount, useWasmMatMulThreads } = await import('../backend/parallelMatMul.ts');
    await useWasmMatMulThreads(threadCount('auto'));
  }
  log.info(`backend: ${selection.name}`);
  const { createRegistry } = await import('../registry/createRegistry.ts');
  const { loadRecommender } = await import('../model/loadRecommender.ts');
  const { openMindDataset } = await import('../data/openMindDataset.ts');
  const { predictSplit } = await import('../predict/predictSplit.ts');

  const recommender = await loadRecommender(resolve(model), createRegistry(), log);
  const dataset = await openMindDataset({ test: resolve(data) });
  const split = dataset.split('test');
  if (split === undefined) throw new Error(`${data}: the split did not open`);
  const started = performance.now();
  const result = await predictSplit(recommender, split, dataset.corpus, out, options);
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(`${result.impressions} impressions scored in ${seconds.toFixed(1)} s; predictions: ${out}\n`);

  if (values.zip === true) {
    const { writeZip } = await import('../predict/writeZip.ts');
    const archive = zipPathOf(out);
    await writeZip(archive, [{ name: 'prediction.txt', contents: await readFile(out) }]);
    io.stdout.write(`leaderboard archive: ${archive}\n`);
  }
  if (result.metrics !== undefined) {
    const { metrics } = result;
    io.stdout.write(
      `AUC ${metrics.auc.toFixed(4)}  MRR ${metrics.mrr.toFixed(4)}  nDCG@5 ${metrics.ndcg5.toFixed(4)}  nDCG@10 ${metrics.ndcg10.toFixed(4)}` +
        `  (${metrics.impressions} impressions, ${metrics.skipped} skipped: all labels equal)\n`,
    );
  }
  recommender.dispose();
  return 0;
}

function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') {
    throw new UsageError(`predict: missing ${name}; see 'experiment predict --help'`);
  }
  return value;
}

/** Lengths used for a model whose newsrec-model.json records none: the evaluate stage's defaults. */
const DEFAULT_TITLE_LENGTH = 30;
const DEFAULT_HISTORY_LENGTH = 50;

/** Returns the length from the flag, else the manifest, else the default, with the source it came from. */
function chooseLength(flag: number | undefined, flagName: string, recorded: number | undefined, field: string, fallback: number): { value: number; source: string } {
  if (flag !== undefined) return { value: flag, source: flagName };
  if (recorded !== undefined) return { value: recorded, source: `${field} recorded in newsrec-model.json` };
  return { value: fallback, source: `default; newsrec-model.json records no ${field}` };
}

function positiveInteger(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`${name}: expected a positive integer, got '${text}'`);
  }
  return value;
}

/** `out/prediction.txt` gives `out/prediction.zip`, and a name without an extension gets `.zip` appended. */
export function zipPathOf(file: string): string {
  const { dir, name } = parse(file);
  return join(dir, `${name}.zip`);
}

/** Lists the directories with a newsrec-model.json up to three levels below `directory` (a run, its stages/ or one stage). */
function findModelDirectories(directory: string): string[] {
  const found: string[] = [];
  const visit = (current: string, depth: number) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue;
      const child = join(current, entry.name);
      if (existsSync(join(child, 'newsrec-model.json'))) found.push(child);
      else if (depth > 1) visit(child, depth - 1);
    }
  };
  visit(directory, 3);
  return found;
}

/** Rejects a --model without a saved model and an --out that is a directory before anything loads. */
function checkPredictPaths(model: string, out: string): void {
  const manifest = join(model, 'newsrec-model.json');
  if (!existsSync(manifest)) {
    const found = existsSync(model) && statSync(model).isDirectory() ? findModelDirectories(model) : [];
    const hint =
      found.length > 0
        ? `saved models under it: ${found.join(', ')}`
        : 'it must be a model directory saved by a training stage with save: true, such as runs/<recipe>/<run>/stages/fine-tune/model-1';
    throw new UserError(`--model ${model}: ${manifest} not found; ${hint}`);
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UserError(`--out ${out} is a directory; name the prediction file, such as ${join(out, 'prediction.txt')}`);
  }
}
