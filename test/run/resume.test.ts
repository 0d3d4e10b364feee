import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runDirectoryOf } from '../predict/tinyRun.ts';
import { writeLongRunRecipe } from './longRunRecipe.ts';

const EXPERIMENT = resolve(import.meta.dirname, '../../bin/experiment.js');

/**
 * Runs `experiment run` in a child process and sends SIGKILL as soon as its
 * output shows the given checkpoint line. Resolves with the output and the run directory.
 */
function runAndKill(args: string[], killAfter: RegExp): Promise<{ output: string; directory: string; signal: NodeJS.Signals | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [EXPERIMENT, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let killed = false;
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (!killed && killAfter.test(output)) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('error', fail);
    child.on('exit', (_code, signal) => {
      const match = /run \S+: directory (\S+)/.exec(output);
      if (match === null) {
        fail(new Error(`no run directory in the output:\n${output}`));
        return;
      }
      done({ output, directory: match[1] as string, signal });
    });
  });
}

function finalMetrics(directory: string): Record<string, number> {
  return JSON.parse(readFileSync(join(directory, 'metrics.json'), 'utf8')).evaluate;
}

describe('experiment run --resume', () => {
  it('continues a killed run to the same metrics', { timeout: 300_000 }, async () => {
    const { file, directory } = writeLongRunRecipe({ fineTuneSteps: 40, checkpointEvery: 5 });

    const uninterrupted = await runCli(['run', file, '--cache-dir', join(directory, 'cache-a')]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const expected = finalMetrics(runDirectoryOf(uninterrupted.stdout));
    const finished = await runCli(['run', '--resume', runDirectoryOf(uninterrupted.stdout)]);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain('there is nothing to resume');

    // Model 2 of the fine-tune stage has written its checkpoint of step 10: 30 steps remain.
    const cacheB = join(directory, 'cache-b');
    const killed = await runAndKill([file, '--cache-dir', cacheB], /model 2\/2[\s\S]*checkpoint of step 10 written/);
    expect(killed.signal).toBe('SIGKILL');
    const record = JSON.parse(readFileSync(join(killed.directory, 'run.json'), 'utf8'));
    expect(record.stages['post-train'].status).toBe('FINISHED');
    expect(record.stages['fine-tune'].status).toBe('RUNNING');
    expect(record.stages.evaluate).toBeUndefined();

    const resumed = await runCli(['run', '--resume', killed.directory, '--cache-dir', cacheB]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/stage post-train \(post-train\): cached/);
    expect(resumed.stdout).toContain('fine-tune: resumed from the checkpoint of step 10 (epoch 1, batch 10)');
    expect(runDirectoryOf(resumed.stdout)).toBe(killed.directory);

    const actual = finalMetrics(killed.directory);
    for (const model of ['fine-tune.models[0]', 'fine-tune.models[1]']) {
      for (const metric of ['AUC', 'MRR', 'nDCG@5', 'nDCG@10']) {
        const key = `${model}/${metric}`;
        expect(actual[key], key).toBeCloseTo(expected[key] as number, 6);
      }
    }
    const after = JSON.parse(readFileSync(join(killed.directory, 'run.json'), 'utf8'));
    expect(after.status).toBe('FINISHED');
    expect(after.resumedAt).toHaveLength(1);
    expect(after.stages['fine-tune'].status).toBe('FINISHED');
  });

  it('continues a killed streamed run', { timeout: 300_000 }, async () => {
    const { file, directory } = writeLongRunRecipe({ fineTuneSteps: 20, checkpointEvery: 5 });
    const streamed = ['--set', 'stages.fine-tune.shuffleBuffer=64'];

    const uninterrupted = await runCli(['run', file, ...streamed, '--cache-dir', join(directory, 'cache-a')]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    expect(uninterrupted.stdout).toMatch(/fine-tune: 2 model\(s\); \d+ samples streamed through a shuffle buffer of 64/);
    const expected = finalMetrics(runDirectoryOf(uninterrupted.stdout));

    const cacheB = join(directory, 'cache-b');
    const killed = await runAndKill([file, ...streamed, '--cache-dir', cacheB], /model 2\/2[\s\S]*checkpoint of step 10 written/);
    expect(killed.signal).toBe('SIGKILL');
    const resumed = await runCli(['run', '--resume', killed.directory, '--cache-dir', cacheB]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('fine-tune: resumed from the checkpoint of step 10 (epoch 1, batch 10)');

    const actual = finalMetrics(killed.directory);
    for (const model of ['fine-tune.models[0]', 'fine-tune.models[1]']) {
      for (const metric of ['AUC', 'MRR', 'nDCG@5', 'nDCG@10']) {
        const key = `${model}/${metric}`;
        expect(actual[key], key).toBeCloseTo(expected[key] as number, 6);
      }
    }
  });

  it('keeps recorded recipe and --no-cache', { timeout: 300_000 }, async () => {
    const { file, directory } = writeLongRunRecipe({ fineTuneSteps: 20, checkpointEvery: 5 });
    const killed = await runAndKill([file, '--no-cache'], /checkpoint of step 5 written/);
    expect(killed.signal).toBe('SIGKILL');
    const record = JSON.parse(readFileSync(join(killed.directory, 'run.json'), 'utf8'));
    expect(record.cache).toEqual({ enabled: false });

    // The file changes after the run started; the resumed stage must keep training with the recorded rate.
    writeFileSync(file, readFileSync(file, 'utf8').replace('learningRate: 0.001', 'learningRate: 0.005'));
    const resumed = await runCli(['run', '--resume', killed.directory]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const output = resumed.stdout + resumed.stderr;
    expect(output).toContain(
      'the recipe changed since the run started; resuming with the recorded settings and ignoring: stages.fine-tune.optimizer.learningRate: 0.001 -> 0.005',
    );
    expect(resumed.stdout).toContain('fine-tune: resumed from the checkpoint of step 5 (epoch 1, batch 5)');
    expect(output).not.toContain('the stage starts over');
    expect(resumed.stdout).toContain('stage post-train (post-train): started (cache off');
    expect(existsSync(join(directory, 'runs', '.stage-cache'))).toBe(false);
    const resolved = JSON.parse(readFileSync(join(killed.directory, 'recipe.resolved.json'), 'utf8'));
    expect(resolved.stages['fine-tune'].optimizer.learningRate).toBe(0.001);
    expect(existsSync(join(killed.directory, 'checkpoints'))).toBe(false);
  });

  it('rejects a truncated checkpoint', { timeout: 300_000 }, async () => {
    const { file, directory } = writeLongRunRecipe({ fineTuneSteps: 40, checkpointEvery: 5 });
    const cache = join(directory, 'cache');
    const killed = await runAndKill([file, '--cache-dir', cache], /checkpoint of step 5 written/);
    expect(killed.signal).toBe('SIGKILL');

    const tensors = join(killed.directory, 'checkpoints', 'fine-tune', 'tensors.safetensors');
    const size = statSync(tensors).size;
    truncateSync(tensors, size - 100);
    const resumed = await runCli(['run', '--resume', killed.directory, '--cache-dir', cache]);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(`experiment: ${tensors} is corrupted: expected ${size} bytes, found ${size - 100} bytes`);
    expect(resumed.stderr).not.toMatch(/^\s+at /m);
    const checkpoint = join(killed.directory, 'checkpoints', 'fine-tune');
    const output = resumed.stdout + resumed.stderr;
    expect(output).toContain(
      `the checkpoint of stage fine-tune is corrupted; to restart the stage from its first step, delete ${checkpoint} and run: experiment run --resume ${killed.directory}`,
    );
    expect(output).not.toContain('continue it with');
    const record = JSON.parse(readFileSync(join(killed.directory, 'run.json'), 'utf8'));
    expect(record.status).toBe('FAILED');
    expect(record.stages['fine-tune'].status).toBe('FAILED');
  });

  it('stops a NaN loss with the step and impressions', { timeout: 300_000 }, async () => {
    // A learning rate of 1e30 sends the weights to overflow after the first Adam step.
    const { file } = writeLongRunRecipe({ learningRate: 1e30 });
    const result = await runCli(['run', file, '--no-cache']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /stage fine-tune: the loss is (NaN|Infinity|-Infinity) at step 2 \(batch of impressions \d+(, \d+)*\); last finite loss [\d.]+ at step 1\./,
    );
  });
});
