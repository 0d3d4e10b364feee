import { describe, expect, it } from 'vitest';
import { orderStages } from '../../framework/graph/orderStages.ts';
import { parseReference, referencesOf, tryParseReference } from '../../framework/graph/parseReference.ts';
import { checkStageGraph } from '../../framework/graph/checkStageGraph.ts';
import { issuesOf, MODELS, testRegistry, writeRecipe } from '../spec/recipeErrors.ts';

// MODELS takes lines 1-12, so `stages:` is line 13 and the first stage line 14.
function recipeWithStages(stages: string): string {
  return writeRecipe(`${MODELS}stages:\n${stages}`);
}

describe('orderStages', () => {
  it('breaks ties by recipe order', () => {
    const uses = new Map([
      ['evaluate', new Set(['b', 'a'])],
      ['b', new Set<string>()],
      ['a', new Set<string>()],
    ]);
    expect(orderStages(['evaluate', 'b', 'a'], uses)).toEqual({ order: ['b', 'a', 'evaluate'], cycles: [] });
  });

  it('runs an earlier stage first once ready', () => {
    const uses = new Map([
      ['a', new Set(['c'])],
      ['b', new Set<string>()],
      ['c', new Set<string>()],
    ]);
    expect(orderStages(['a', 'b', 'c'], uses).order).toEqual(['b', 'c', 'a']);
  });

  it('names each cycle once', () => {
    const uses = new Map([
      ['a', new Set(['c'])],
      ['b', new Set(['a'])],
      ['c', new Set(['b'])],
      ['d', new Set(['a'])],
    ]);
    const result = orderStages(['a', 'b', 'c', 'd'], uses);
    expect(result.order).toEqual([]);
    expect(result.cycles).toEqual([['a', 'b', 'c', 'a']]);
  });
});

describe('parseReference', () => {
  it('splits model and output references', () => {
    expect(parseReference('teacher')).toEqual({ kind: 'model', model: 'teacher' });
    expect(parseReference('post-train.snapshots')).toEqual({ kind: 'output', stage: 'post-train', output: 'snapshots' });
  });

  it('rejects other text', () => {
    expect(tryParseReference('a.b.c')).toBeUndefined();
    expect(tryParseReference('.model')).toBeUndefined();
    expect(() => parseReference('')).toThrow("invalid reference '': expected a model name or stage.output");
  });

  it('lists the references of an input', () => {
    expect(referencesOf('teacher')).toEqual(['teacher']);
    expect(referencesOf(['a.model', 'b.models'])).toEqual(['a.model', 'b.models']);
    expect(referencesOf(undefined)).toEqual([]);
  });
});

describe('stage graph check', () => {
  it('reports unknown models and stages', async () => {
    const file = recipeWithStages(`  post-train: { type: post-train, model: teachr }
  distill: { type: distill, student: student, teachers: [post-trian.snapshots, nothing.models] }
`);
    expect(await issuesOf(file)).toEqual([
      "R:14:42 stages.post-train.model: unknown model 'teachr'; did you mean 'teacher'? (models: teacher, student)",
      "R:15:58 stages.distill.teachers[0]: unknown stage 'post-trian'; did you mean 'post-train'? (stages: post-train, distill)",
      "R:15:80 stages.distill.teachers[1]: unknown stage 'nothing' (stages: post-train, distill)",
    ]);
  });

  it('reports an unknown output', async () => {
    const file = recipeWithStages(`  post-train: { type: post-train, model: teacher }
  fine-tune: { type: fine-tune, models: post-train.snapshot }
`);
    expect(await issuesOf(file)).toEqual([
      "R:15:41 stages.fine-tune.models: stage 'post-train' (type 'post-train') has no output 'snapshot'; did you mean 'snapshots'? (outputs: model, snapshots)",
    ]);
  });

  it('reports kind mismatches', async () => {
    const file = recipeWithStages(`  post-train: { type: post-train, model: teacher }
  distill:
    type: distill
    student: post-train.snapshots
    teachers: post-train.snapshots
  distill-list:
    type: distill
    student: [teacher, student]
    teachers: teacher
  evaluate: { type: evaluate, models: teacher }
  fine-tune: { type: fine-tune, models: evaluate.metrics }
`);
    expect(await issuesOf(file)).toEqual([
      "R:17:14 stages.distill.student: expects one model, but 'post-train.snapshots' is a list of models",
      "R:21:14 stages.distill-list.student: must be a string, got a list",
      "R:24:41 stages.fine-tune.models: expects one or more models, but 'evaluate.metrics' is metrics, not a model",
    ]);
  });

  it('reports a list for a single-model input', () => {
    // The test stage schemas type single-model inputs as strings, so schema
    // validation catches a list first; a stage whose schema accepts a list
    // still gets this check.
    const { issues } = checkStageGraph(
      { models: { teacher: {} }, stages: { train: { type: 'post-train', model: ['teacher', 'teacher'] } } },
      testRegistry(),
    );
    expect(issues).toEqual([
      { path: ['stages', 'train', 'model'], message: 'expects one model, got a list of 2 references', anchor: 'value' },
    ]);
  });

  it('reports self-references and cycles', async () => {
    const file = recipeWithStages(`  a: { type: fine-tune, models: c.models }
  b: { type: fine-tune, models: [a.models, teacher] }
  c: { type: fine-tune, models: b.models }
  own: { type: fine-tune, models: own.models }
`);
    expect(await issuesOf(file)).toEqual([
      'R:15:34 stages.b.models[0]: stages form a cycle: a -> b -> c -> a (each uses an output of the one before)',
      "R:17:35 stages.own.models: stage 'own' cannot use its own output 'own.models'",
    ]);
  });

  it('reports a stage named like a model', async () => {
    const file = recipeWithStages(`  teacher: { type: post-train, model: student }\n`);
    expect(await issuesOf(file)).toEqual([
      "R:14:3 stages.teacher: stage name 'teacher' is also the name of a model; rename one of them",
    ]);
  });

  it('explains a stage used as a model', async () => {
    const file = recipeWithStages(`  post-train: { type: post-train, model: teacher }
  fine-tune: { type: fine-tune, models: post-train }
  evaluate: { type: evaluate, models: teacher.model }
`);
    expect(await issuesOf(file)).toEqual([
      "R:15:41 stages.fine-tune.models: 'post-train' is a stage, not a model; refer to one of its outputs: post-train.model, post-train.snapshots",
      "R:16:39 stages.evaluate.models: 'teacher' is a model, not a stage; refer to it as 'teacher'",
    ]);
  });

  it('accepts mixed lists for a models input', async () => {
    const file = recipeWithStages(`  post-train: { type: post-train, model: teacher }
  evaluate: { type: evaluate, models: [student, post-train.model, post-train.snapshots] }
`);
    expect(await issuesOf(file)).toEqual([]);
  });
});
