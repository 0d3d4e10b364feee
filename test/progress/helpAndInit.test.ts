import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../predict/tinyRun.ts';

describe('experiment init', () => {
  it('writes a recipe that validates', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'newsrec-init-')), 'study.yaml');
    const written = await runCli(['init', file]);
    expect(written.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('# Stages run in dependency order');
    const validated = await runCli(['validate', file]);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
  });

  it('keeps an existing file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'newsrec-init-')), 'study.yaml');
    await runCli(['init', file]);
    const again = await runCli(['init', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`init: ${file} exists; pass --force to overwrite it or name another file`);
    expect((await runCli(['init', file, '--force'])).code).toBe(0);
  });
});

describe('command help', () => {
  it.each([
    ['run', '--json'],
    ['predict', '--history-length N     Clicked news per user history (default: the historyLength recorded in'],
    ['report', 'Usage: experiment report RUN_DIR'],
    ['compare', '--all'],
    ['init', '--force'],
  ])('%s --help lists its options and examples', async (command, option) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(option);
    expect(result.stdout).toMatch(/Examples?:\n {2}experiment /);
  });

  it('lists every command in the main help', async () => {
    const result = await runCli(['--help']);
    for (const command of ['run', 'predict', 'report', 'compare', 'init']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });
});
