import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatPredictionLine, rankCandidates } from '../../framework/predict/rankCandidates.ts';
import { sampleFile } from '../data/mindSample.ts';
import { runCli, runDirectoryOf, TINY_HISTORY_LENGTH, TINY_TITLE_LENGTH, writeTinyRecipe } from './tinyRun.ts';

/** Impression ids and candidate counts of a behaviors.tsv, in file order. */
function impressionsOf(file: string): Array<{ id: string; candidates: number }> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const fields = line.split('\t');
      return { id: fields[0] as string, candidates: (fields[4] as string).split(' ').length };
    });
}

describe('rankCandidates', () => {
  it('ranks by descending score', () => {
    expect(rankCandidates([0.1, 0.9, 0.5])).toEqual([3, 1, 2]);
  });

  it('keeps candidate order on ties', () => {
    expect(rankCandidates([1, 1, 2, 1])).toEqual([2, 3, 1, 4]);
  });

  it('formats a line without spaces in the brackets', () => {
    expect(formatPredictionLine('17', [3, 1, 2])).toBe('17 [3,1,2]');
  });
});

describe('experiment predict', () => {
  let student = '';
  let evaluated: Record<string, number> = {};
  const output = mkdtempSync(join(tmpdir(), 'newsrec-predict-'));
  const lengths = ['--title-length', String(TINY_TITLE_LENGTH), '--history-length', String(TINY_HISTORY_LENGTH)];

  beforeAll(async () => {
    const run = await runCli(['run', writeTinyRecipe('predict')]);
    expect(run.stderr).toBe('');
    const directory = runDirectoryOf(run.stdout);
    student = join(directory, 'stages/distill-fine-tune/student');
    evaluated = JSON.parse(readFileSync(join(directory, 'metrics.json'), 'utf8')).evaluate;
  }, 240_000);

  it('writes test predictions in the leaderboard format', { timeout: 120_000 }, async () => {
    const out = join(output, 'test', 'prediction.txt');
    const result = await runCli(['predict', '--model', student, '--data', join(sampleFile('test', 'news.tsv'), '..'), '--out', out, '--zip', ...lengths]);
    expect(result.stderr).toContain('backend: wasm');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('500 impressions scored');
    expect(result.stdout).not.toContain('AUC');

    const expected = impressionsOf(sampleFile('test', 'behaviors.tsv'));
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, index) => {
      const impression = expected[index] as { id: string; candidates: number };
      const match = /^(\S+) \[(\d+(?:,\d+)*)\]$/.exec(line);
      expect(match, `line ${index + 1}: ${line}`).not.toBeNull();
      expect(match?.[1], `line ${index + 1}`).toBe(impression.id);
      const ranks = (match?.[2] as string).split(',').map(Number);
      expect([...ranks].sort((a, b) => a - b), `line ${index + 1}`).toEqual(
        Array.from({ length: impression.candidates }, (_, rank) => rank + 1),
      );
    });

    // The archive holds exactly prediction.txt with the same bytes (read back with Python's zipfile).
    const listing = execFileSync('python3', [
      '-c',
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.namelist()); sys.stdout.write(z.read("prediction.txt").decode())',
      join(output, 'test', 'prediction.zip'),
    ]).toString();
    expect(listing.split('\n')[0]).toBe("['prediction.txt']");
    expect(listing.slice(listing.indexOf('\n') + 1)).toBe(readFileSync(out, 'utf8'));
  });

  it('reproduces the evaluate metrics on dev', { timeout: 120_000 }, async () => {
    const out = join(output, 'dev.txt');
    const result = await runCli(['predict', '--model', student, '--data', join(sampleFile('dev', 'news.tsv'), '..'), '--out', out, ...lengths]);
    expect(result.code).toBe(0);
    const printed = /AUC (\S+)\s+MRR (\S+)\s+nDCG@5 (\S+)\s+nDCG@10 (\S+)\s+\((\d+) impressions/.exec(result.stdout);
    expect(printed, result.stdout).not.toBeNull();
    const [auc, mrr, ndcg5, ndcg10, impressions] = (printed as RegExpExecArray).slice(1).map(Number);
    const model = 'distill-fine-tune.model';
    expect(auc).toBeCloseTo(evaluated[`${model}/AUC`] as number, 4);
    expect(mrr).toBeCloseTo(evaluated[`${model}/MRR`] as number, 4);
    expect(ndcg5).toBeCloseTo(evaluated[`${model}/nDCG@5`] as number, 4);
    expect(ndcg10).toBeCloseTo(evaluated[`${model}/nDCG@10`] as number, 4);
    expect(impressions).toBe(evaluated[`${model}/impressions`]);
  });

  it('keeps the previous file on failure', { timeout: 120_000 }, async () => {
    // Dev with the labels of one impression removed halfway through: scoring stops there with an error.
    const split = join(output, 'half-labelled');
    mkdirSync(split, { recursive: true });
    copyFileSync(sampleFile('dev', 'news.tsv'), join(split, 'news.tsv'));
    const rows = readFileSync(sampleFile('dev', 'behaviors.tsv'), 'utf8').trim().split('\n');
    const fields = (rows[699] as string).split('\t');
    fields[4] = (fields[4] as string).replace(/-[01]/g, '');
    rows[699] = fields.join('\t');
    writeFileSync(join(split, 'behaviors.tsv'), `${rows.join('\n')}\n`);
    const directory = join(output, 'kept');
    mkdirSync(directory, { recursive: true });
    const out = join(directory, 'prediction.txt');
    writeFileSync(out, 'previous predictions\n');

    const result = await runCli(['predict', '--model', student, '--data', split, '--out', out, ...lengths]);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('is not labelled, unlike the impressions before it');
    expect(readFileSync(out, 'utf8')).toBe('previous predictions\n');
    expect(readdirSync(directory)).toEqual(['prediction.txt']);
  });

  it('rejects a missing --model', async () => {
    const result = await runCli(['predict', '--data', 'x', '--out', 'y']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("predict: missing --model DIR; see 'experiment predict --help'");
  });

  it('names the file a model directory lacks', { timeout: 60_000 }, async () => {
    const result = await runCli(['predict', '--model', output, '--data', join(sampleFile('dev', 'news.tsv'), '..'), '--out', join(output, 'x.txt')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(output, 'newsrec-model.json')} not found; it must be a model directory saved by a training stage`);
  });
});
