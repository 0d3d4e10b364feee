// `npm run bench`: runs the scenarios one after another, each in a child
// process of this one (same process group, same machine), then writes
// bench/results/<timestamp>.json and .md and prints the Markdown.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ratioOf, type Ratio, type ScenarioResult } from './lib/Figure.ts';
import { formatMarkdown, type BenchReport } from './lib/formatMarkdown.ts';
import { scenarioTitle, type ScenarioOptions } from './lib/ScenarioOptions.ts';
import { SCENARIOS } from './scenarios/index.ts';

const USAGE = `usage: npm run bench -- [--quick] [--only SCENARIO,...] [--data MIND_DIR] [--out DIR]
  --quick     fewer repetitions and smaller sizes (checks that every scenario runs)
  --only      scenarios by id or number: ${SCENARIOS.map((scenario, index) => `${index + 1}=${scenario.id}`).join(', ')}
  --data      MIND-format directory with train/ and dev/ (default ../shared/data/mind-sample)
  --out       where the .json and .md results go (default bench/results)`;

interface Arguments {
  readonly quick: boolean;
  readonly only: readonly string[];
  readonly data: string | undefined;
  readonly out: string | undefined;
}

function parseArguments(argv: readonly string[]): Arguments {
  let quick = false;
  let only: string[] = [];
  let data: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] as string;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${argument} needs a value`);
      return next;
    };
    if (argument === '--quick') quick = true;
    else if (argument === '--only') only = value().split(',').filter((item) => item !== '');
    else if (argument === '--data') data = value();
    else if (argument === '--out') out = value();
    else if (argument === '--help' || argument === '-h') throw new UsageError('');
    else throw new UsageError(`unknown argument '${argument}'`);
  }
  return { quick, only, data, out };
}

class UsageError extends Error {}

/** Scenario ids selected by --only (ids or 1-based numbers), all when empty. */
function selectScenarios(only: readonly string[]): string[] {
  if (only.length === 0) return SCENARIOS.map((scenario) => scenario.id);
  return only.map((item) => {
    const byNumber = SCENARIOS[Number(item) - 1];
    if (/^\d+$/.test(item) && byNumber !== undefined) return byNumber.id;
    if (SCENARIOS.some((scenario) => scenario.id === item)) return item;
    throw new UsageError(`unknown scenario '${item}'; known: ${SCENARIOS.map((scenario) => scenario.id).join(', ')}`);
  });
}

function runChild(id: string, options: Omit<ScenarioOptions, 'log'>, outputFile: string): Promise<ScenarioResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(options.root, 'bench', 'child.ts'), id, JSON.stringify(options), outputFile], {
      cwd: options.root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`scenario ${id} failed (exit code ${code}${signal === null ? '' : `, signal ${signal}`})`));
        return;
      }
      resolvePromise(JSON.parse(readFileSync(outputFile, 'utf8')) as ScenarioResult);
    });
  });
}

async function main(): Promise<number> {
  let args: Arguments;
  let selected: string[];
  try {
    args = parseArguments(process.argv.slice(2));
    selected = selectScenarios(args.only);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message !== '') process.stderr.write(`error: ${error.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return error.message === '' ? 0 : 2;
  }

  const root = resolve(import.meta.dirname, '..');
  const venvPython = join(root, '.cache', 'venv', 'bin', 'python');
  const options: Omit<ScenarioOptions, 'log'> = {
    quick: args.quick,
    root,
    mindDirectory: resolve(args.data ?? join(root, '..', 'shared', 'data', 'mind-sample')),
    checkpoint: join(root, '.cache', 'checkpoints', 'all-MiniLM-L6-v2'),
    python: existsSync(venvPython) ? venvPython : 'python3',
    cacheDirectory: join(root, '.cache', 'bench'),
  };
  mkdirSync(options.cacheDirectory, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'newsrec-bench-'));
  const started = new Date();
  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  for (const id of selected) {
    const scenario = SCENARIOS.find((candidate) => candidate.id === id);
    process.stderr.write(`== ${scenario === undefined ? id : scenarioTitle(scenario, options.quick)}\n`);
    try {
      const result = await runChild(id, options, join(scratch, `${id}.json`));
      results.push(result);
      process.stderr.write(`   done in ${result.seconds.toFixed(0)} s, peak RSS ${result.peakRssMiB.toFixed(0)} MiB\n`);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      process.stderr.write(`   ${failures[failures.length - 1]}\n`);
    }
  }
  rmSync(scratch, { recursive: true, force: true });

  const report: BenchReport = {
    crossRatios: crossScenarioRatios(results),
    startedAt: started.toISOString(),
    seconds: (Date.now() - started.getTime()) / 1000,
    quick: args.quick,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.versions.node, platform: `${process.platform} ${process.arch}` },
    scenarios: results,
    failures,
  };
  const outDirectory = resolve(args.out ?? join(root, 'bench', 'results'));
  mkdirSync(outDirectory, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const markdown = formatMarkdown(report);
  writeFileSync(join(outDirectory, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDirectory, `${stamp}.md`), markdown);
  process.stdout.write(markdown);
  process.stderr.write(`results: ${join(outDirectory, stamp)}.{json,md}\n`);
  return failures.length === 0 ? 0 : 1;
}

/** Ratios between figures of different scenarios: ours against PyTorch's fine-tune step. */
function crossScenarioRatios(results: readonly ScenarioResult[]): Ratio[] {
  const figure = (key: string) => results.flatMap((result) => result.figures).find((candidate) => candidate.key === key);
  const pairs: [string, string, string][] = [
    ['fine-tune-on-32', 'pytorch-fine-tune-32', 'fine-tune samples/s, ours (exact speed-ups) / PyTorch eager, batch 32'],
    ['fine-tune-stale-32', 'pytorch-fine-tune-32', 'fine-tune samples/s, ours (+ stale history) / PyTorch eager, batch 32'],
    ['fine-tune-on-8', 'pytorch-fine-tune-8', 'fine-tune samples/s, ours (exact speed-ups) / PyTorch eager, batch 8'],
  ];
  const ratios: Ratio[] = [];
  for (const [ours, theirs, name] of pairs) {
    const numerator = figure(ours);
    const denominator = figure(theirs);
    if (numerator !== undefined && denominator !== undefined) ratios.push(ratioOf(name, numerator.median / denominator.median, 1));
  }
  return ratios;
}

process.exitCode = await main();
