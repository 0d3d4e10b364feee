import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../framework/run/runRecipe.ts';
import { expandTrials } from '../../framework/sweep/expandTrials.ts';
import { parseSweepParameter } from '../../framework/sweep/parseSweepParameter.ts';
import { readMetric } from '../../framework/sweep/SweepMetric.ts';
import { bestTrial, type TrialRecord } from '../../framework/sweep/SweepSummary.ts';
import { SWEEP_HELP } from '../../framework/cli/sweepCommand.ts';
import { runCli } from '../predict/tinyRun.ts';

const NO_RANDOM = { trials: 10, seed: 0 };

/** Expands flags into trials and returns each trial's values as a { path: value } map. */
function valuesOf(flags: Array<['grid' | 'random', string]>, random = NO_RANDOM): Array<Record<string, unknown>> {
  const parameters = flags.map(([kind, text]) => parseSweepParameter(kind, text));
  return expandTrials(parameters, random).map((trial) =>
    Object.fromEntries(trial.overrides.map((override) => [override.path.join('.'), override.value])),
  );
}

function parseError(kind: 'grid' | 'random', text: string): string {
  try {
    parseSweepParameter(kind, text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`--${kind} ${text} parsed without an error`);
}

describe('grid expansion', () => {
  it('takes the product with the last flag fastest', () => {
    expect(valuesOf([['grid', 'a=1,2'], ['grid', 'b=x,y,z']])).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
  });

  it('reads values as a YAML flow list', () => {
    const [parameter] = [parseSweepParameter('grid', "x=[1,2],[3,4],'a,b',{size: 8},2e-5,'4'")];
    expect(parameter).toMatchObject({ kind: 'grid', path: ['x'], values: [[1, 2], [3, 4], 'a,b', { size: 8 }, 2e-5, '4'] });
  });

  it('keeps list indices in paths', () => {
    expect(parseSweepParameter('grid', 'stages.evaluate.models[1]=a,b').path).toEqual(['stages', 'evaluate', 'models', 1]);
  });

  it('names each trial value in its flag', () => {
    const [first, second] = expandTrials([parseSweepParameter('grid', 'stages.x.temperature=1,2')], NO_RANDOM);
    expect(first?.overrides[0]?.flag).toBe('--grid stages.x.temperature=1');
    expect(second?.overrides[0]?.flag).toBe('--grid stages.x.temperature=2');
  });

  it('rejects missing and empty values', () => {
    expect(parseError('grid', 'x=')).toBe('--grid x=: no values given; write at least one, such as 1,2,4');
    expect(parseError('grid', 'x')).toBe("--grid x: expected PATH=VALUES, such as 'stages.distill.temperature=1,2,4'");
    expect(parseError('grid', 'x=[1,2')).toMatch(/^--grid x=\[1,2: invalid values: .+; write them as a YAML flow list without brackets, such as 1,2,4$/);
  });

  it('rejects an invalid path segment', () => {
    expect(parseError('grid', 'stages..x=1')).toBe(
      "--grid stages..x=1: invalid path segment '': use keys of letters, digits, '_' and '-', each optionally followed by [INDEX]",
    );
  });
});

describe('random search', () => {
  const flags: Array<['grid' | 'random', string]> = [
    ['random', 'lr=loguniform(1e-5,1e-3)'],
    ['random', 'size=int(2,4)'],
    ['random', 'dropout=uniform(0,0.5)'],
    ['random', 'pooling=choice(cls,mean,[1,2])'],
  ];

  it('repeats with the same seed', () => {
    expect(valuesOf(flags, { trials: 20, seed: 7 })).toEqual(valuesOf(flags, { trials: 20, seed: 7 }));
  });

  it('changes with another seed', () => {
    expect(valuesOf(flags, { trials: 20, seed: 8 })).not.toEqual(valuesOf(flags, { trials: 20, seed: 7 }));
  });

  it('draws within each distribution', () => {
    const trials = valuesOf(flags, { trials: 200, seed: 3 });
    expect(trials).toHaveLength(200);
    for (const trial of trials) {
      expect(trial.lr).toBeGreaterThanOrEqual(1e-5);
      expect(trial.lr).toBeLessThanOrEqual(1e-3);
      expect([2, 3, 4]).toContain(trial.size);
      expect(trial.dropout).toBeGreaterThanOrEqual(0);
      expect(trial.dropout).toBeLessThanOrEqual(0.5);
      expect([['cls'], ['mean'], [[1, 2]]]).toContainEqual([trial.pooling]);
    }
    // Both ends of int() and every choice are drawn.
    expect(new Set(trials.map((trial) => trial.size))).toEqual(new Set([2, 3, 4]));
    expect(new Set(trials.map((trial) => JSON.stringify(trial.pooling)))).toEqual(new Set(['"cls"', '"mean"', '[1,2]']));
    // Log-uniform: about half the draws fall below the geometric middle, 1e-4.
    const below = trials.filter((trial) => (trial.lr as number) < 1e-4).length;
    expect(below).toBeGreaterThan(70);
    expect(below).toBeLessThan(130);
  });

  it('crosses grid values with each draw', () => {
    const trials = valuesOf([['grid', 'a=1,2'], ['random', 'b=uniform(0,1)']], { trials: 3, seed: 1 });
    expect(trials.map((trial) => trial.a)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(trials.slice(3).map((trial) => trial.b)).toEqual(trials.slice(0, 3).map((trial) => trial.b));
  });

  it('names the drawn value in the flag', () => {
    const [trial] = expandTrials([parseSweepParameter('random', 'x=choice(4)')], { trials: 1, seed: 0 });
    expect(trial?.overrides[0]?.flag).toBe('--random x=choice(4) (drew 4)');
  });

  it('rejects bad distributions', () => {
    expect(parseError('random', 'lr=normal(0,1)')).toBe(
      "--random lr=normal(0,1): unknown distribution 'normal'; use uniform(LOW,HIGH), loguniform(LOW,HIGH), int(LOW,HIGH) or choice(A,B,...)",
    );
    expect(parseError('random', 'lr=loguniformm(1,2)')).toContain("unknown distribution 'loguniformm'; did you mean 'loguniform'?");
    expect(parseError('random', 'lr=0.1')).toBe(
      "--random lr=0.1: invalid distribution '0.1'; use uniform(LOW,HIGH), loguniform(LOW,HIGH), int(LOW,HIGH) or choice(A,B,...)",
    );
    expect(parseError('random', 'lr=uniform(1)')).toBe('--random lr=uniform(1): uniform() takes two numbers, LOW and HIGH, got 1');
    expect(parseError('random', 'lr=uniform(a,b)')).toBe('--random lr=uniform(a,b): uniform() takes two numbers, LOW and HIGH, got "a", "b"');
    expect(parseError('random', 'lr=uniform(2,1)')).toBe('--random lr=uniform(2,1): uniform() needs LOW < HIGH, got 2 and 1');
    expect(parseError('random', 'lr=loguniform(0,1)')).toBe('--random lr=loguniform(0,1): loguniform() needs LOW > 0, got 0');
    expect(parseError('random', 'n=int(1.5,3)')).toBe('--random n=int(1.5,3): int() takes two integers with LOW <= HIGH, got 1.5 and 3');
    expect(parseError('random', 'x=choice()')).toBe('--random x=choice(): no arguments of choice() given; write at least one, such as 1,2,4');
  });
});

describe('sweep metric', () => {
  const result = (values: Record<string, number>): RunResult => ({
    directory: '/tmp/run',
    metrics: { evaluate: { 'fine-tune.models[0]': values, other: { AUC: 0.9 } } },
  });

  it('reads the first model without regard to case', () => {
    expect(readMetric({ stage: 'evaluate', name: 'auc' }, result({ AUC: 0.7 }))).toEqual({ key: 'evaluate.metrics.fine-tune.models[0].AUC', value: 0.7 });
  });

  it('reads a named model', () => {
    expect(readMetric({ stage: 'evaluate', model: 'other', name: 'AUC' }, result({ AUC: 0.7 }))).toEqual({ key: 'evaluate.metrics.other.AUC', value: 0.9 });
  });

  it('turns NaN into an error', () => {
    expect(readMetric({ stage: 'evaluate', name: 'AUC' }, result({ AUC: Number.NaN }))).toEqual({
      key: 'evaluate.metrics.fine-tune.models[0].AUC',
      error: 'metric evaluate.metrics.fine-tune.models[0].AUC is NaN',
    });
  });

  it('lists what a missing model or metric could be', () => {
    expect(readMetric({ stage: 'evaluate', model: 'student', name: 'AUC' }, result({ AUC: 0.7 }))).toEqual({
      key: 'evaluate.metrics.student.AUC',
      error: 'metric evaluate.metrics.student.AUC not found: stage evaluate evaluated fine-tune.models[0], other',
    });
    expect(readMetric({ stage: 'evaluate', name: 'ndcg@1' }, result({ AUC: 0.7, 'nDCG@10': 0.4 }))).toEqual({
      key: 'evaluate.metrics.fine-tune.models[0].ndcg@1',
      error: "metric evaluate.metrics.fine-tune.models[0].ndcg@1 not found; did you mean 'nDCG@10'?; the stage logged AUC, nDCG@10",
    });
  });

  it('picks the best finished trial', () => {
    const trials: TrialRecord[] = [
      { number: 1, values: {}, status: 'FINISHED', metric: 0.6 },
      { number: 2, values: {}, status: 'FAILED' },
      { number: 3, values: {}, status: 'FINISHED', metric: 0.8 },
      { number: 4, values: {}, status: 'FINISHED', metric: 0.8 },
    ];
    expect(bestTrial(trials, 'max')).toBe(3);
    expect(bestTrial(trials, 'min')).toBe(1);
    expect(bestTrial(trials.slice(1, 2), 'max')).toBeUndefined();
  });
});

describe('experiment sweep command line', () => {
  const recipe = 'experiments/ci/nrms.yaml';

  it('prints the trials of a dry run', { timeout: 60_000 }, async () => {
    const result = await runCli(['sweep', recipe, '--grid', 'stages.fine-tune.maxSteps=2,3', '--grid', 'stages.fine-tune.batchSize=0,8', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '4 trials of nrms-ci; metric evaluate.metrics.<first model>.AUC (max)',
        'trial 1: stages.fine-tune.maxSteps=2 stages.fine-tune.batchSize=0',
        '  invalid: --grid stages.fine-tune.batchSize=0 stages.fine-tune.batchSize: must be >= 1, got 0',
        'trial 2: stages.fine-tune.maxSteps=2 stages.fine-tune.batchSize=8',
        'trial 3: stages.fine-tune.maxSteps=3 stages.fine-tune.batchSize=0',
        '  invalid: --grid stages.fine-tune.batchSize=0 stages.fine-tune.batchSize: must be >= 1, got 0',
        'trial 4: stages.fine-tune.maxSteps=3 stages.fine-tune.batchSize=8',
        '',
      ].join('\n'),
    );
  });

  it('rejects an unknown path once', { timeout: 60_000 }, async () => {
    const result = await runCli(['sweep', recipe, '--grid', 'stages.fine-tune.temprature=1,2', '--dry-run']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^--grid stages\.fine-tune\.temprature=1 stages\.fine-tune\.temprature: unknown setting 'temprature' of stage 'fine-tune'/);
  });

  it('rejects flags it cannot use', { timeout: 60_000 }, async () => {
    const cases: Array<[string[], string]> = [
      [[], "sweep: nothing to sweep; give at least one --grid PATH=VALUES or --random PATH=DIST"],
      [['--grid', 'a=1', '--grid', 'a=2'], '--grid a=2: a is already swept by --grid a=1'],
      [['--grid', 'seed=1,2', '--set', 'seed=3'], '--grid seed=1,2: seed is also fixed by --set seed=3; drop one of the two'],
      [['--grid', 'seed=1,2', '--trials', '3'], '--trials: only --random values are drawn; a --grid sweep runs every combination once'],
      [['--random', 'seed=int(1,9)', '--trials', '0'], "--trials: expected an integer >= 1, got '0'"],
      [['--grid', 'seed=1,2', '--direction', 'up'], "--direction: expected max or min, got 'up'"],
      [['--grid', 'seed=1,2', '--metric', 'fine-tune.metrics.AUC'], "--metric fine-tune.metrics.AUC: 'fine-tune' is not an evaluate stage of the recipe; evaluate stages: evaluate"],
      [['--grid', 'seed=1,2', '--metric', 'evaluate.AUC'], '--metric evaluate.AUC: expected STAGE.metrics.MODEL.NAME or STAGE.metrics.NAME, such as evaluate.metrics.fine-tune.models[0].AUC'],
      [['--grid', 'seed=1,2', '--metric', 'evaluate.metrics.nope.AUC'], "--metric evaluate.metrics.nope.AUC: stage evaluate does not evaluate a model 'nope'; it evaluates fine-tune.models[INDEX]"],
      [['--grid', 'seed=1,2', '--metric', 'evaluate.metrics.fine-tune.models.AUC'], "--metric evaluate.metrics.fine-tune.models.AUC: stage evaluate does not evaluate a model 'fine-tune.models'; it evaluates fine-tune.models[INDEX]"],
      [['--grid', 'seed=1,2', '--metric', 'evaluate.metrics.fine-tune.models[0].nDCG@20'], "--metric evaluate.metrics.fine-tune.models[0].nDCG@20: unknown metric 'nDCG@20'; did you mean 'nDCG@10'?; use AUC, MRR, nDCG@5, nDCG@10"],
      [['--grid', 'seed=1,2', '--metric', 'evaluate.metrics.Recall'], "--metric evaluate.metrics.Recall: unknown metric 'Recall'; use AUC, MRR, nDCG@5, nDCG@10"],
    ];
    for (const [flags, message] of cases) {
      const result = await runCli(['sweep', recipe, ...flags, '--dry-run']);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr, flags.join(' ')).toBe(`experiment: ${message}\nRun 'experiment --help' for usage.\n`);
    }
  });

  it('accepts evaluated model and metric names', { timeout: 60_000 }, async () => {
    const result = await runCli(['sweep', recipe, '--grid', 'seed=1,2', '--metric', 'evaluate.metrics.fine-tune.models[0].ndcg@5', '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')[0]).toBe('2 trials of nrms-ci; metric evaluate.metrics.fine-tune.models[0].nDCG@5 (max)');
  });

  it('counts a single trial in the singular', { timeout: 60_000 }, async () => {
    const result = await runCli(['sweep', recipe, '--grid', 'seed=1', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('1 trial of nrms-ci; metric evaluate.metrics.<first model>.AUC (max)');
  });

  it('parses the examples in bash', () => {
    const helpExamples = SWEEP_HELP.slice(SWEEP_HELP.indexOf('Examples:\n') + 'Examples:\n'.length);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const sweeps = readme.slice(readme.indexOf('## Sweeps'));
    const readmeExamples = /```sh\n([\s\S]*?)```/.exec(sweeps)?.[1] ?? '';
    expect(readmeExamples).toContain('--random');
    for (const line of readmeExamples.split('\n').filter((text) => /^\S/.test(text))) {
      expect(line).toMatch(/^npx experiment sweep /);
    }
    for (const script of [helpExamples, readmeExamples]) {
      // bash -n parses without running; an unquoted '(' is a syntax error.
      expect(() => execFileSync('bash', ['-n', '-c', script], { stdio: 'pipe' }), script).not.toThrow();
    }
  });

  it('exits 1 when every trial fails', { timeout: 120_000 }, async () => {
    const result = await runCli([
      'sweep', recipe, '--quiet',
      '--grid', 'data.dev=/nonexistent/a,/nonexistent/b',
      '--set', 'backend=wasm',
      '--set', `output.directory=${mkdtempSync(join(tmpdir(), 'newsrec-sweep-fail-'))}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('warning: trial 1 failed: ');
    expect(result.stderr).toContain('warning: trial 2 failed: ');
    expect(result.stdout).toContain('no trial finished');
  });
});
