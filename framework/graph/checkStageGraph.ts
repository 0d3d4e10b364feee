import type { Registry } from '../registry/Registry.ts';
import { didYouMean } from '../spec/closestNames.ts';
import type { PathIssue, SpecPath } from '../spec/SpecPath.ts';
import { orderStages } from './orderStages.ts';
import { tryParseReference } from './parseReference.ts';
import { isStageDefinition, type ArtifactKind, type StageDefinition } from './StageDefinition.ts';

/** The result of checking the stage graph: problems found and the run order. */
export interface StageGraph {
  readonly issues: PathIssue[];
  /** Stage names in dependency order; ties keep the recipe's order. */
  readonly order: string[];
}

/** One reference from a stage input to another stage, kept to place cycle messages. */
interface Edge {
  readonly from: string;
  readonly to: string;
  readonly path: SpecPath;
}

/**
 * Checks the references between stages and models: every name exists, every
 * `stage.output` is an output of that stage, each input gets the kind it
 * expects (one model or a list of models), no stage uses its own output, no
 * stages form a cycle, required inputs are present and no stage shares a
 * name with a model. Values of the wrong shape are left to schema
 * validation; `skip` names paths it already reported so that a field gets
 * one message.
 */
export function checkStageGraph(
  spec: { readonly models?: unknown; readonly stages?: unknown },
  registry: Registry,
  skip: (path: SpecPath) => boolean = () => false,
): StageGraph {
  const models = isMapping(spec.models) ? spec.models : {};
  const stages = isMapping(spec.stages) ? spec.stages : {};
  const modelNames = Object.keys(models);
  const stageNames = Object.keys(stages);
  const definitions = new Map<string, StageDefinition>();
  for (const [name, stage] of Object.entries(stages)) {
    const type = isMapping(stage) ? stage.type : undefined;
    if (typeof type === 'string' && registry.has('stage', type)) {
      const definition = registry.get('stage', type);
      if (isStageDefinition(definition)) {
        definitions.set(name, definition);
      }
    }
  }

  const issues: PathIssue[] = [];
  const edges: Edge[] = [];
  const context = { modelNames, stageNames, definitions, issues, edges };
  for (const [name, stage] of Object.entries(stages)) {
    if (name in models) {
      issues.push({
        path: ['stages', name],
        message: `stage name '${name}' is also the name of a model; rename one of them`,
        anchor: 'key',
      });
    }
    const definition = definitions.get(name);
    if (definition === undefined || !isMapping(stage)) {
      continue;
    }
    checkInputs(name, stage, definition, context, skip);
  }

  const uses = new Map<string, Set<string>>(stageNames.map((name) => [name, new Set<string>()]));
  for (const edge of edges) {
    uses.get(edge.from)?.add(edge.to);
  }
  const { order, cycles } = orderStages(stageNames, uses);
  for (const cycle of cycles) {
    // cycle[1] uses an output of cycle[0]: point at that reference.
    const [producer, consumer] = cycle as [string, string];
    const edge = edges.find((candidate) => candidate.from === consumer && candidate.to === producer);
    issues.push({
      path: edge?.path ?? ['stages', consumer],
      message: `stages form a cycle: ${cycle.join(' -> ')} (each uses an output of the one before)`,
      anchor: 'value',
    });
  }
  return { issues, order };
}

interface CheckContext {
  readonly modelNames: readonly string[];
  readonly stageNames: readonly string[];
  readonly definitions: ReadonlyMap<string, StageDefinition>;
  readonly issues: PathIssue[];
  readonly edges: Edge[];
}

function checkInputs(
  name: string,
  stage: Record<string, unknown>,
  definition: StageDefinition,
  context: CheckContext,
  skip: (path: SpecPath) => boolean,
): void {
  for (const [input, expected] of Object.entries(definition.inputs)) {
    const path: SpecPath = ['stages', name, input];
    if (skip(path)) {
      continue;
    }
    const value = stage[input];
    if (value === undefined) {
      if (definition.requiredInputs.includes(input)) {
        context.issues.push({
          path: ['stages', name],
          message: `missing required input '${input}' of stage type '${definition.name}' (${describeExpected(expected)})`,
          anchor: 'key',
        });
      }
      continue;
    }
    if (Array.isArray(value)) {
      if (expected === 'model') {
        context.issues.push({
          path,
          message: `expects one model, got a list of ${value.length} reference${value.length === 1 ? '' : 's'}`,
          anchor: 'value',
        });
        continue;
      }
      value.forEach((item, index) => {
        if (typeof item === 'string') {
          checkReference(name, item, expected, [...path, index], context);
        }
      });
    } else if (typeof value === 'string') {
      checkReference(name, value, expected, path, context);
    }
  }
}

function checkReference(
  stage: string,
  text: string,
  expected: 'model' | 'models',
  path: SpecPath,
  context: CheckContext,
): void {
  const report = (message: string): void => {
    context.issues.push({ path, message, anchor: 'value' });
  };
  const reference = tryParseReference(text);
  if (reference === undefined) {
    report(`invalid reference '${text}': write a model name or stage.output`);
    return;
  }

  if (reference.kind === 'model') {
    if (context.modelNames.includes(reference.model)) {
      return;
    }
    if (context.stageNames.includes(reference.model)) {
      const outputs = outputNames(context.definitions.get(reference.model));
      const hint = outputs.length > 0 ? `; refer to one of its outputs: ${outputs.map((output) => `${reference.model}.${output}`).join(', ')}` : '';
      report(`'${reference.model}' is a stage, not a model${hint}`);
      return;
    }
    report(`unknown model '${reference.model}'${didYouMean(reference.model, context.modelNames)} (${listOf('models', context.modelNames)})`);
    return;
  }

  if (reference.stage === stage) {
    report(`stage '${stage}' cannot use its own output '${text}'`);
    return;
  }
  if (!context.stageNames.includes(reference.stage)) {
    if (context.modelNames.includes(reference.stage)) {
      report(`'${reference.stage}' is a model, not a stage; refer to it as '${reference.stage}'`);
    } else {
      report(`unknown stage '${reference.stage}'${didYouMean(reference.stage, context.stageNames)} (${listOf('stages', context.stageNames)})`);
    }
    return;
  }
  context.edges.push({ from: stage, to: reference.stage, path });

  const producer = context.definitions.get(reference.stage);
  if (producer === undefined) {
    // The stage's type is unknown; schema validation reports that.
    return;
  }
  const produced = producer.outputs[reference.output];
  if (produced === undefined) {
    const outputs = outputNames(producer);
    report(
      `stage '${reference.stage}' (type '${producer.name}') has no output '${reference.output}'` +
        `${didYouMean(reference.output, outputs)} (${listOf('outputs', outputs)})`,
    );
    return;
  }
  if (!accepts(expected, produced)) {
    report(`expects ${describeExpected(expected)}, but '${text}' is ${describeArtifact(produced)}`);
  }
}

function accepts(expected: 'model' | 'models', produced: ArtifactKind): boolean {
  return expected === 'model' ? produced === 'model' : produced === 'model' || produced === 'models';
}

function describeExpected(expected: 'model' | 'models'): string {
  return expected === 'model' ? 'one model' : 'one or more models';
}

function describeArtifact(kind: ArtifactKind): string {
  switch (kind) {
    case 'model':
      return 'one model';
    case 'models':
      return 'a list of models';
    case 'metrics':
      return 'metrics, not a model';
  }
}

function outputNames(definition: StageDefinition | undefined): string[] {
  return definition === undefined ? [] : Object.keys(definition.outputs);
}

function listOf(what: string, names: readonly string[]): string {
  return names.length > 0 ? `${what}: ${names.join(', ')}` : `no ${what} are defined`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
