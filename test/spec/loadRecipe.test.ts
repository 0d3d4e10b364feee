import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRecipe } from '../../framework/spec/loadRecipe.ts';
import { issuesOf, MODELS, testRegistry, writeRecipe } from './recipeErrors.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/recipes');

describe('loadRecipe defaults', () => {
  it('fills every default once', async () => {
    const loaded = await loadRecipe(resolve(fixtures, 'valid.yaml'), { registry: testRegistry(), cwd: '/tmp/work' });
    const { recipe } = loaded;
    expect(recipe.name).toBe('valid-recipe');
    expect(recipe.seed).toBe(42);
    expect(recipe.backend).toBe('auto');
    expect(recipe.plugins).toEqual([]);
    expect(recipe.outputDirectory).toBe('/tmp/work/runs');
    expect(recipe.tracker).toEqual({ type: 'local' });
    expect(recipe.data).toEqual({ type: 'toy', news: 100 });
    expect(recipe.models.teacher?.newsEncoder).toEqual({
      type: 'plm',
      backbone: { type: 'bert', layers: 4, hiddenSize: 32, activation: 'gelu' },
      pooling: { type: 'cls' },
      outputSize: 256,
    });
    expect(recipe.stages.distill).toEqual({ type: 'distill', student: 'student', teachers: 'fine-tune.models', temperature: 1 });
    expect(loaded.file).toBe(resolve(fixtures, 'valid.yaml'));
    expect(loaded.source).toContain('name: valid-recipe');
  });

  it('orders stages by dependency', async () => {
    const loaded = await loadRecipe(resolve(fixtures, 'valid.yaml'), { registry: testRegistry() });
    expect(loaded.stageOrder).toEqual(['post-train', 'fine-tune', 'distill', 'evaluate']);
  });

  it('names the recipe after its file', async () => {
    const file = writeRecipe(`${MODELS}stages:\n  train: { type: post-train, model: teacher }\n`, 'my-experiment.yaml');
    const loaded = await loadRecipe(file, { registry: testRegistry() });
    expect(loaded.recipe.name).toBe('my-experiment');
  });

  it('resolves output directory against cwd', async () => {
    const file = writeRecipe(`${MODELS}output: { directory: out/runs }\nstages:\n  train: { type: post-train, model: teacher }\n`);
    const loaded = await loadRecipe(file, { registry: testRegistry(), cwd: '/srv/experiments' });
    expect(loaded.recipe.outputDirectory).toBe('/srv/experiments/out/runs');
  });
});

describe('loadRecipe errors', () => {
  it('suggests the closest component type', async () => {
    const file = writeRecipe(`${MODELS.replace('type: plm, backbone: { type: bert }', 'type: plmm, backbone: { type: bert }')}stages:
  train: { type: post-train, model: teacher }
`);
    expect(await issuesOf(file)).toEqual([
      "R:5:26 models.teacher.newsEncoder.type: unknown news encoder 'plmm'; did you mean 'plm'? (registered: plm, cnn)",
    ]);
  });

  it('reports an unknown stage type', async () => {
    const file = writeRecipe(`${MODELS}stages:\n  train: { type: post-trian, model: teacher }\n`);
    expect(await issuesOf(file)).toEqual([
      "R:14:18 stages.train.type: unknown stage type 'post-trian'; did you mean 'post-train'? (registered: post-train, distill, fine-tune, evaluate)",
    ]);
  });

  it('reports an unknown type without a close match', async () => {
    const file = writeRecipe(`data: { type: mind }\nstages:\n  train: { type: post-train, model: teacher }\n`);
    const issues = await issuesOf(file);
    expect(issues[0]).toBe("R:1:15 data.type: unknown dataset 'mind' (registered: toy)");
  });

  it('reports bad values with the allowed range', async () => {
    const file = writeRecipe(`seed: 1.5
backend: gpu
${MODELS.replace('backbone: { type: bert, layers: 1 }', 'backbone: { type: bert, layers: 40, activation: tanh }, outputSize: 0')}stages:
  train: { type: post-train, model: teacher, steps: many }
  distill:
    type: distill
    student: student
    teachers: train.snapshots
    temperature: -1
`);
    expect(await issuesOf(file)).toEqual([
      'R:1:7 seed: must be an integer, got 1.5',
      "R:2:10 backend: must be one of 'auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu', got 'gpu'; did you mean 'cpu'?",
      'R:12:63 models.student.newsEncoder.backbone.layers: must be <= 24, got 40',
      "R:12:79 models.student.newsEncoder.backbone.activation: must be 'gelu' or 'relu', got 'tanh'",
      'R:12:99 models.student.newsEncoder.outputSize: must be > 0, got 0',
      "R:16:53 stages.train.steps: must be an integer, got 'many'",
      'R:21:18 stages.distill.temperature: must be > 0, got -1',
    ]);
  });

  it('reports a bad thread count with its accepted forms', async () => {
    const file = writeRecipe(`threads: 0\n${MODELS}stages:\n  train: { type: post-train, model: teacher }\n`);
    expect(await issuesOf(file)).toEqual(["R:1:10 threads: must be an integer from 1 to 256 or 'auto', got 0"]);
  });

  it('reports an unknown setting, closest first', async () => {
    const file = writeRecipe(`${MODELS}stages:
  distill:
    type: distill
    student: student
    teachers: teacher
    temprature: 2
`);
    expect(await issuesOf(file)).toEqual([
      "R:18:5 stages.distill.temprature: unknown setting 'temprature' of stage 'distill'; allowed: temperature, type, teachers, student",
    ]);
  });

  it('reports an unknown top-level field', async () => {
    const file = writeRecipe(`sed: 3\n${MODELS}stages:\n  train: { type: post-train, model: teacher }\n`);
    const [issue] = await issuesOf(file);
    expect(issue).toMatch(/^R:1:1 sed: unknown field 'sed'; allowed: seed, /);
  });

  it('reports missing fields at their parent', async () => {
    const file = writeRecipe(`models:
  teacher:
    tokenizer: { type: wordpiece }
    newsEncoder: { backbone: { type: bert } }
    userEncoder: { type: additive-attention }
stages:
  train: { type: post-train, model: teacher }
`);
    expect(await issuesOf(file)).toEqual([
      "R:1:1 missing required field 'data'",
      "R:2:3 models.teacher: missing required field 'clickPredictor'",
      "R:4:5 models.teacher.newsEncoder: missing required field 'type' (the news encoder to use)",
    ]);
  });

  it('reports a missing stage input', async () => {
    const file = writeRecipe(`${MODELS}stages:\n  train:\n    type: post-train\n`);
    expect(await issuesOf(file)).toEqual(["R:14:3 stages.train: missing required field 'model'"]);
  });

  it('reports duplicate keys with both positions', async () => {
    const file = writeRecipe(`seed: 1
${MODELS}stages:
  train: { type: post-train, model: teacher }
  train: { type: post-train, model: student }
seed: 2
`);
    expect(await issuesOf(file)).toEqual([
      "R:16:3 stages.train: duplicate key 'train', already defined at line 15, column 3",
      "R:17:1 seed: duplicate key 'seed', already defined at line 1, column 1",
    ]);
  });

  it('reports YAML syntax errors with position', async () => {
    const file = writeRecipe('name: broken\ndata: { type: toy\nstages: {}\n');
    const issues = await issuesOf(file);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatch(/^R:3:1 invalid YAML: /);
  });

  it('rejects an empty file', async () => {
    const file = writeRecipe('# nothing yet\n');
    expect(await issuesOf(file)).toEqual(['R:1:1 the recipe is empty']);
  });

  it('reports a missing file without position', async () => {
    expect(await issuesOf('/nonexistent/recipe.yaml')).toEqual(['R recipe file not found']);
  });

  it('reports every error of a file at once', async () => {
    const issues = await issuesOf(resolve(fixtures, 'many-errors.yaml'));
    expect(issues).toHaveLength(23);
    expect(issues).toContain(
      "R:10:13 models.teacher.newsEncoder.type: unknown news encoder 'plmm'; did you mean 'plm'? (registered: plm, cnn)",
    );
    expect(issues).toContain("R:21:12 stages.post-train.model: unknown model 'teachr'; did you mean 'teacher'? (models: teacher, student)");
    expect(issues).toContain('R:32:14 stages.b.models[0]: stages form a cycle: a -> b -> a (each uses an output of the one before)');
  });

  it('rejects names that break references', async () => {
    const file = writeRecipe(`${MODELS}stages:\n  fine.tune: { type: post-train, model: teacher }\n`);
    expect(await issuesOf(file)).toEqual([
      "R:14:3 stages.fine.tune: invalid stage name 'fine.tune': names start with a letter and contain only letters, digits, '_' and '-'",
    ]);
  });
});
