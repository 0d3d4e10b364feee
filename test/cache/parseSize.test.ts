import { describe, expect, it } from 'vitest';
import { parseSize } from '../../framework/cli/cacheCommand.ts';
import { runCli } from '../predict/tinyRun.ts';

describe('cache prune --max-size', () => {
  it('rejects a size without unit', async () => {
    const result = await runCli(['cache', 'prune', '--max-size', '20', '--cache-dir', '/nonexistent-newsrec-cache']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cache prune: --max-size 20: the size has no unit; add B, K, M, G or T, such as 20G');
  });

  it('reads units as powers of 1024', () => {
    expect(parseSize('512B')).toBe(512);
    expect(parseSize('20K')).toBe(20 * 1024);
    expect(parseSize('1.5M')).toBe(1.5 * 1024 * 1024);
    expect(parseSize('20G')).toBe(20 * 1024 ** 3);
    expect(parseSize('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseSize('1t')).toBe(1024 ** 4);
  });

  it('rejects an unknown unit', () => {
    expect(() => parseSize('20X')).toThrow('cache prune: --max-size 20X: expected a number with B, K, M, G or T, such as 20G');
  });
});
