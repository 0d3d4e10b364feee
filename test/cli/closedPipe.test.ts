import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

it('exits 0 when the pipe closes early', () => {
  // The schema is larger than a pipe buffer, so the write is still pending when `head` exits.
  const result = spawnSync('bash', ['-c', 'node bin/experiment.js schema | head -c 10 >/dev/null; echo "status ${PIPESTATUS[0]}"'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stderr).not.toContain('EPIPE');
  expect(result.stdout).toBe('status 0\n');
});
