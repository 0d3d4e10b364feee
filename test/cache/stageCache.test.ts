import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runDirectoryOf } from '../predict/tinyRun.ts';
import { writeLongRunRecipe } from '../run/longRunRecipe.ts';

/** Lists the stages that a run's log reports as reused from the cache and as run. */
function stagesOf(stdout: string): { cached: string[]; ran: string[] } {
  const cached = [...stdout.matchAll(/^stage (\S+) \(\S+\): cached/gm)].map((match) => match[1] as string);
  const ran = [...stdout.matchAll(/^stage (\S+) \(\S+\): started/gm)].map((match) => match[1] as string);
  return { cached, ran };
}

function entriesIn(cache: string): string[] {
  return existsSync(cache) ? readdirSync(cache).filter((name) => !name.startsWith('.')) : [];
}

// `cache prune --all` also clears the token cache, so this file keeps its own,
// out of the way of the shared .cache/tokens that other test files read.
process.env.NEWSREC_TOKEN_CACHE_DIR = mkdtempSync(join(tmpdir(), 'newsrec-tokens-'));

describe('stage cache', () => {
  it('reruns only changed and forced stages', { timeout: 300_000 }, async () => {
    const { file, directory } = writeLongRunRecipe();
    const cache = join(directory, 'runs', '.stage-cache');

    const first = await runCli(['run', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(stagesOf(first.stdout)).toEqual({ cached: [], ran: ['post-train', 'fine-tune', 'evaluate'] });
    expect(entriesIn(cache)).toHaveLength(3);
    expect(existsSync(join(runDirectoryOf(first.stdout), 'checkpoints'))).toBe(false);

    const again = await runCli(['run', file]);
    expect(again.code, again.stderr).toBe(0);
    expect(stagesOf(again.stdout)).toEqual({ cached: ['post-train', 'fine-tune', 'evaluate'], ran: [] });
    expect(again.stdout).toMatch(/evaluate\s+fine-tune\.models\[0\]\s+0\.\d{4}/);

    // How often steps are logged or checkpointed cannot change outputs, so the key ignores it.
    const logging = await runCli(['run', file, '--set', 'stages.fine-tune.logEvery=3', '--set', 'stages.fine-tune.checkpointEvery=7']);
    expect(logging.code, logging.stderr).toBe(0);
    expect(stagesOf(logging.stdout)).toEqual({ cached: ['post-train', 'fine-tune', 'evaluate'], ran: [] });

    const changed = await runCli(['run', file, '--set', 'stages.evaluate.historyLength=4']);
    expect(changed.code, changed.stderr).toBe(0);
    expect(stagesOf(changed.stdout)).toEqual({ cached: ['post-train', 'fine-tune'], ran: ['evaluate'] });
    expect(entriesIn(cache)).toHaveLength(4);

    const forced = await runCli(['run', file, '--force', 'fine-tune']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(stagesOf(forced.stdout)).toEqual({ cached: ['post-train'], ran: ['fine-tune', 'evaluate'] });
    expect(forced.stdout).toContain('stage fine-tune (fine-tune): started (forced');
    expect(forced.stdout).toContain('stage evaluate: forced, because it reads the forced stage fine-tune');
    expect(forced.stdout).toContain('stage evaluate (evaluate): started (forced');

    const uncached = await runCli(['run', file, '--no-cache']);
    expect(uncached.code, uncached.stderr).toBe(0);
    expect(stagesOf(uncached.stdout)).toEqual({ cached: [], ran: ['post-train', 'fine-tune', 'evaluate'] });
    expect(uncached.stdout).toContain('stage post-train (post-train): started (cache off');
    expect(entriesIn(cache)).toHaveLength(4);

    const unknown = await runCli(['run', file, '--force', 'fine-tuning']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--force fine-tuning: no such stage; the recipe's stages are post-train, fine-tune, evaluate");
  });

  it('lists and prunes entries', { timeout: 300_000 }, async () => {
    const { file, directory } = writeLongRunRecipe();
    const cache = join(directory, 'cache');
    const run = await runCli(['run', file, '--cache-dir', cache]);
    expect(run.code, run.stderr).toBe(0);

    const listed = await runCli(['cache', 'ls', '--cache-dir', cache]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^key\s+recipe\s+stage\s+type\s+size\s+last used\s+run$/m);
    for (const stage of ['post-train', 'fine-tune', 'evaluate']) {
      expect(listed.stdout).toMatch(new RegExp(`^[0-9a-f]{12}\\s+long-run\\s+${stage}\\s`, 'm'));
    }
    expect(listed.stdout).toContain(`3 entries`);
    const json = JSON.parse((await runCli(['cache', 'ls', '--cache-dir', cache, '--json'])).stdout);
    expect(json.map((entry: { stage: string }) => entry.stage).sort()).toEqual(['evaluate', 'fine-tune', 'post-train']);
    const evaluateBytes = json.find((entry: { stage: string }) => entry.stage === 'evaluate').bytes as number;

    const dryRun = await runCli(['cache', 'prune', '--all', '--dry-run', '--cache-dir', cache]);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout.match(/^would remove /gm)).toHaveLength(3);
    expect(entriesIn(cache)).toHaveLength(3);

    const recent = await runCli(['cache', 'prune', '--older-than', '1d', '--cache-dir', cache]);
    expect(recent.stdout).toContain('freed 0 B in 0 of 3 entries');
    expect(entriesIn(cache)).toHaveLength(3);

    // The evaluate entry is the smallest and, written last, the most recently used: it is the one that fits.
    const bySize = await runCli(['cache', 'prune', '--max-size', `${evaluateBytes}B`, '--cache-dir', cache]);
    expect(bySize.code).toBe(0);
    expect(bySize.stdout.match(/^removed /gm)).toHaveLength(2);
    expect(entriesIn(cache)).toHaveLength(1);

    const all = await runCli(['cache', 'prune', '--all', '--cache-dir', cache]);
    expect(all.stdout).toContain('in 1 of 1 entries');
    expect(entriesIn(cache)).toEqual([]);

    const missing = await runCli(['cache', 'prune', '--cache-dir', cache]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cache prune: give --all, --older-than AGE or --max-size SIZE');
  });

  it('recomputes a corrupted entry', { timeout: 300_000 }, async () => {
    const { file, directory } = writeLongRunRecipe();
    const cache = join(directory, 'cache');
    const first = await runCli(['run', file, '--cache-dir', cache]);
    expect(first.code, first.stderr).toBe(0);
    const entries = JSON.parse((await runCli(['cache', 'ls', '--cache-dir', cache, '--json'])).stdout) as { stage: string; directory: string }[];
    const postTrain = entries.find((entry) => entry.stage === 'post-train') as { directory: string };
    const damaged = join(postTrain.directory, 'model-0', 'user-encoder.safetensors');
    const size = statSync(damaged).size;
    truncateSync(damaged, size - 8);

    const again = await runCli(['run', file, '--cache-dir', cache]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`stage post-train: the cache entry ${postTrain.directory} is corrupted (${damaged} is corrupted: expected ${size} bytes, found ${size - 8} bytes`);
    expect(stagesOf(again.stdout)).toEqual({ cached: ['fine-tune', 'evaluate'], ran: ['post-train'] });
    expect(statSync(damaged).size).toBe(size);
    expect(JSON.parse(readFileSync(join(postTrain.directory, 'manifest.json'), 'utf8')).files['model-0/user-encoder.safetensors'].size).toBe(size);
  });
});
