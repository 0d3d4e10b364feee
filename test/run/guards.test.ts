import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDiskSpace } from '../../framework/checkpoint/ensureDiskSpace.ts';
import { verifyManifest, writeManifest } from '../../framework/checkpoint/manifest.ts';
import { Random, RandomLedger } from '../../framework/random/Random.ts';
import { writeFileAtomic } from '../../framework/run/writeFileAtomic.ts';
import { handleInterrupts } from '../../framework/tracking/handleInterrupts.ts';
import { EarlyStopping } from '../../framework/training/EarlyStopping.ts';
import { LossGuard, NonFiniteLossError } from '../../framework/training/LossGuard.ts';

const silent = { info: () => {}, warn: () => {} };

describe('loss guard', () => {
  it('names the step, batch and last finite loss', () => {
    const guard = new LossGuard('fine-tune', { factor: 0, patience: 1, window: 1 });
    expect(guard.check(1, 0.7, () => 'batch 1')).toBeUndefined();
    expect(guard.check(2, 0.6, () => 'batch 2')).toBeUndefined();
    expect(() => guard.check(3, Number.POSITIVE_INFINITY, () => 'batch of impressions 7, 9')).toThrow(NonFiniteLossError);
    expect(() => guard.check(3, Number.NaN, () => 'batch of impressions 7, 9')).toThrow(
      'stage fine-tune: the loss is NaN at step 3 (batch of impressions 7, 9); last finite loss 0.6 at step 2.',
    );
  });

  it('stops a diverging loss after patience steps', () => {
    const guard = new LossGuard('post-train', { factor: 2, patience: 3, window: 2 });
    // Running means over 2 steps: 1.0, then 0.9; the limit is 2 x 0.9 = 1.8.
    for (const [step, loss] of [[1, 1], [2, 1], [3, 0.8]] as const) {
      expect(guard.check(step, loss, () => '')).toBeUndefined();
    }
    expect(guard.check(4, 5, () => '')).toBeUndefined();
    expect(guard.check(5, 5, () => '')).toBeUndefined();
    const reason = guard.check(6, 5, () => '');
    expect(reason).toContain('the loss stayed above 2 x the best running mean 0.9000 (limit 1.800) for 3 steps; last loss 5.000 at step 6');
  });

  it('restarts the count when the loss comes back', () => {
    const guard = new LossGuard('post-train', { factor: 2, patience: 2, window: 1 });
    expect(guard.check(1, 1, () => '')).toBeUndefined();
    expect(guard.check(2, 3, () => '')).toBeUndefined();
    expect(guard.check(3, 1, () => '')).toBeUndefined();
    expect(guard.check(4, 3, () => '')).toBeUndefined();
    const copy = new LossGuard('post-train', { factor: 2, patience: 2, window: 1 });
    copy.restore(guard.state());
    expect(copy.check(5, 3, () => '')).toContain('for 2 steps');
  });
});

describe('early stopping', () => {
  it('stops after patience and keeps the best weights', () => {
    const weight = { name: 'w', variable: tf.variable(tf.tensor1d([0, 0])) };
    const scores = [0.6, 0.7, 0.65, 0.66];
    let evaluations = 0;
    const logged: Record<string, number>[] = [];
    const stopping = new EarlyStopping(
      { every: 10, patience: 2, impressions: 100, metric: 'AUC' },
      [weight],
      () => ({ AUC: scores[evaluations++] as number }),
      silent,
      (values) => logged.push(values),
    );
    const reasons: (string | undefined)[] = [];
    for (let step = 1; step <= 40; step++) {
      weight.variable.assign(tf.tensor1d([step, -step]));
      reasons.push(stopping.afterStep(step));
    }
    expect(evaluations).toBe(4);
    expect(logged.map((values) => values.dev_AUC)).toEqual(scores);
    expect(reasons.slice(0, 39).every((reason) => reason === undefined)).toBe(true);
    expect(reasons[39]).toBe('dev AUC did not improve for 2 evaluations (best 0.7000 at step 20)');
    stopping.finish();
    expect(Array.from(weight.variable.dataSync())).toEqual([20, -20]);
    weight.variable.dispose();
  });
});

describe('checkpoint files', () => {
  it('detects a changed byte of the same size', () => {
    const directory = mkdtempSync(join(tmpdir(), 'newsrec-manifest-'));
    writeFileSync(join(directory, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
    writeManifest(directory);
    verifyManifest(directory);
    writeFileSync(join(directory, 'weights.bin'), Buffer.from([1, 2, 3, 5]));
    expect(() => verifyManifest(directory)).toThrow(
      new RegExp(`${join(directory, 'weights.bin')} is corrupted: expected sha256 [0-9a-f]{64}, found [0-9a-f]{64} \\(same size, 4 bytes\\)`),
    );
  });

  it('leaves no temporary file after an atomic write', () => {
    const directory = mkdtempSync(join(tmpdir(), 'newsrec-atomic-'));
    writeFileAtomic(join(directory, 'run.json'), '{"status":"RUNNING"}\n');
    writeFileAtomic(join(directory, 'run.json'), '{"status":"FINISHED"}\n');
    expect(readdirSync(directory)).toEqual(['run.json']);
    expect(readFileSync(join(directory, 'run.json'), 'utf8')).toBe('{"status":"FINISHED"}\n');
  });

  it('refuses a write larger than the free space', () => {
    const directory = mkdtempSync(join(tmpdir(), 'newsrec-space-'));
    const target = join(directory, 'checkpoints', 'fine-tune');
    expect(() => ensureDiskSpace(target, 2 ** 60, 'the checkpoint of step 5')).toThrow(
      new RegExp(`not enough disk space for the checkpoint of step 5 in ${target}: it needs about [\\d.]+ [KMGT]iB and [\\d.]+ [KMGT]?i?B are free`),
    );
    expect(existsSync(target)).toBe(false);
    expect(() => ensureDiskSpace(target, 1024, 'a small file')).not.toThrow();
  });
});

describe('random ledger', () => {
  it('restores every stream created while open', () => {
    const ledger = RandomLedger.open();
    const root = new Random(42);
    const child = root.fork('child');
    ledger.close();
    const outside = new Random(1);
    expect(ledger.size).toBe(2);
    root.next();
    child.next();
    const saved = ledger.states();
    const expected = [root.next(), child.next(), root.next()];

    const again = RandomLedger.open();
    const root2 = new Random(0);
    const child2 = new Random(0);
    again.close();
    again.restore(saved);
    expect([root2.next(), child2.next(), root2.next()]).toEqual(expected);
    expect(() => again.restore([1, 2, 3])).toThrow('the checkpoint contains 3 random streams, and the resumed stage created 2');
    expect(outside.next()).toBeGreaterThanOrEqual(0);
  });

  it('derives streams without advancing the parent', () => {
    const random = new Random(7);
    const first = random.derive('stage:a').next();
    const second = random.derive('stage:a').next();
    expect(second).toBe(first);
    expect(random.derive('stage:b').next()).not.toBe(first);
    expect(random.next()).toBe(new Random(7).next());
  });
});

describe('interrupt handling', () => {
  it('aborts once, then leaves the second signal', () => {
    const before = process.listenerCount('SIGINT');
    let written = '';
    const interruption = handleInterrupts({ write: (text: string) => ((written += text), true) });
    expect(process.listenerCount('SIGINT')).toBe(before + 1);

    process.emit('SIGINT', 'SIGINT');
    expect(interruption.signal.aborted).toBe(true);
    expect((interruption.signal.reason as Error).name).toBe('AbortError');
    expect((interruption.signal.reason as Error).message).toBe('interrupted by SIGINT');
    expect(written).toContain('SIGINT received: the run finishes the current step, writes a checkpoint and stops');
    // Alone, the process gets the default action (terminate) back; next to other listeners, one that exits at once is added.
    expect(process.listenerCount('SIGINT')).toBe(before === 0 ? 0 : before + 1);

    interruption.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
