import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../framework/cli/main.ts';
import { componentsCommand, type ComponentListing } from '../../framework/cli/componentsCommand.ts';
import { renderRecipeSchema } from '../../framework/cli/schemaCommand.ts';
import type { CommandIO } from '../../framework/run/Logger.ts';
import { testRegistry, writeRecipe } from '../spec/recipeErrors.ts';

const root = resolve(import.meta.dirname, '../..');
const fixtures = 'test/fixtures/recipes';

/** Runs main with captured output. */
async function run(args: string[], command: (args: string[], io: CommandIO) => Promise<number> = main): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => ((stdout += text), true) },
    stderr: { write: (text: string) => ((stderr += text), true) },
  };
  const code = await command(args, io);
  return { code, stdout, stderr };
}

/** Runs the real `experiment` bin in a child process, with TensorFlow.js imports made to fail. */
function runBin(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['--import', `./${fixtures}/loader/forbidTensorflow.mjs`, 'bin/experiment.js', ...args],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('experiment validate', () => {
  it('prints ok for a valid recipe', async () => {
    const result = await run(['validate', `${fixtures}/toy-valid.yaml`]);
    expect(result.stdout).toBe(`${fixtures}/toy-valid.yaml: ok\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('prints every issue and exits with 2', async () => {
    const result = await run(['validate', `${fixtures}/toy-valid.yaml`, `${fixtures}/toy-invalid.yaml`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe(`${fixtures}/toy-valid.yaml: ok\n`);
    expect(result.stderr).toBe(
      [
        `${fixtures}/toy-invalid.yaml:6:26 models.small.newsEncoder.type: unknown news encoder 'toy-encodr'; did you mean 'toy-encoder'? (registered: plm, nrms, naml, cnn, toy-encoder)`,
        `${fixtures}/toy-invalid.yaml:12:12 stages.train.model: unknown model 'smal'; did you mean 'small'? (models: small)`,
        `${fixtures}/toy-invalid.yaml:13:11 stages.train.rate: must be > 0, got -1`,
        '',
      ].join('\n'),
    );
  });

  it('applies --set before checking', async () => {
    const result = await run(['validate', `${fixtures}/toy-valid.yaml`, '--set', 'seed=-3']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('--set seed=-3 seed: must be >= 0, got -3\n');
  });

  it('reports plug-in failures at their entry', async () => {
    const missing = writeRecipe('plugins: [./missing-plugin.ts]\ndata: { type: toy-data }\nstages: {}\n');
    const result = await run(['validate', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^${missing}:1:11 plugins\\[0\\]: cannot import plug-in './missing-plugin.ts' \\(`));
  });

  it('rejects a plug-in without register', async () => {
    const plugin = resolve(root, fixtures, 'loader/forbidTensorflowHooks.mjs');
    const file = writeRecipe(`plugins:\n  - ${plugin}\ndata: { type: toy-data }\nstages: {}\n`);
    const result = await run(['validate', file]);
    expect(result.stderr).toBe(`${file}:2:5 plugins[0]: plug-in '${plugin}' (${plugin}) does not export a function 'register(api)'\n`);
  });

  it('rejects a plug-in that takes a name', async () => {
    const plugin = resolve(root, fixtures, 'plugins/testComponents.ts');
    const file = writeRecipe(`plugins: [${plugin}]\ndata: { type: toy }\nstages: {}\n`);
    const result = await run(['validate', file]);
    expect(result.stderr).toBe(
      `${file}:1:11 plugins[0]: plug-in '${plugin}' registers tracker 'local', a name already registered by newsrec-lab\n`,
    );
  });

  it('runs in a process without TensorFlow.js', () => {
    const result = runBin(['validate', `${fixtures}/toy-valid.yaml`]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${fixtures}/toy-valid.yaml: ok\n`);
    expect(result.status).toBe(0);
  });

  it('exits with 2 and no stack trace', () => {
    const result = runBin(['validate', `${fixtures}/toy-invalid.yaml`]);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `${fixtures}/toy-invalid.yaml:6:26 models.small.newsEncoder.type: unknown news encoder 'toy-encodr'; did you mean 'toy-encoder'? (registered: plm, nrms, naml, cnn, toy-encoder)`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('blocks TensorFlow.js in the check process', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', `./${fixtures}/loader/forbidTensorflow.mjs`, '--input-type=module', '-e', "await import('@tensorflow/tfjs-core')"],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('TensorFlow.js must not be loaded here');
  });
});

describe('experiment command line', () => {
  it('prints help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('validate RECIPE.yaml...');
  });

  it('prints the help of a command', async () => {
    for (const command of ['validate', 'components', 'schema']) {
      const result = await run([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: experiment ${command}`));
    }
  });

  it('rejects an unknown command', async () => {
    const result = await run(['vaildate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "experiment: unknown command 'vaildate'; commands: run, sweep, validate, components, schema, runs, sync, predict, report, compare, cache, init\nRun 'experiment --help' for usage.\n",
    );
  });

  it('rejects an unknown option', async () => {
    const result = await run(['components', '--jsn']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^experiment: Unknown option '--jsn'/);
  });
});

describe('experiment components', () => {
  const listComponents = (args: string[]) => run(args, (rest, io) => componentsCommand(rest, io, testRegistry()));

  it('lists settings with type and default', async () => {
    const result = await listComponents([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('newsEncoder (news encoder)\n  plm\n    PLM news encoder\n');
    expect(result.stdout).toContain('    backbone: backbone component, required. Transformer that reads the title\n');
    expect(result.stdout).toContain('    pooling: pooling component, default {"type":"cls"}\n');
    expect(result.stdout).toContain('    outputSize: integer > 0, default 256. Size of the news vector\n');
    expect(result.stdout).toContain('    layers: integer >= 1, <= 24, default 2. Transformer layers kept\n');
    expect(result.stdout).toContain("    activation: 'gelu' | 'relu', default \"gelu\"\n");
    expect(result.stdout).toContain('    inputs: student (model), teachers (models)\n    outputs: model (model)\n');
  });

  it('prints JSON', async () => {
    const result = await listComponents(['--json']);
    const listings = JSON.parse(result.stdout) as ComponentListing[];
    const distill = listings.find((listing) => listing.kind === 'stage' && listing.name === 'distill');
    expect(distill?.outputs).toEqual({ model: 'model' });
    expect(distill?.settings.find((setting) => setting.name === 'temperature')).toEqual({
      name: 'temperature',
      type: 'number > 0',
      required: false,
      default: 1,
      description: 'Softmax temperature',
    });
  });
});

describe('experiment schema', () => {
  it('prints the composed schema', async () => {
    const result = await run(['schema']);
    const schema = JSON.parse(result.stdout) as { $defs: Record<string, unknown> };
    expect(Object.keys(schema.$defs)).toContain('newsEncoder');
    expect(result.code).toBe(0);
  });

  it('matches the committed schema file', () => {
    // Run `npm run schema:write` after changing a built-in component's settings.
    expect(readFileSync(resolve(root, 'schema/recipe.schema.json'), 'utf8')).toBe(renderRecipeSchema());
  });
});
