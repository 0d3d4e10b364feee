import type { TObject } from '@sinclair/typebox';
import type { ComponentDefinition } from '../registry/ComponentDefinition.ts';

/**
 * What a stage input or output holds: one recommender model, an ordered list of
 * them (teacher snapshots, fine-tuned teachers), or evaluation metrics.
 */
export type ArtifactKind = 'model' | 'models' | 'metrics';

/**
 * A stage component. Besides its settings schema it declares which settings are
 * references to models (a model name under `models:`, or `stage.output`) and
 * which outputs it produces, so the graph can be checked before anything runs.
 * An input of kind 'models' accepts one reference to a list, a single model, or
 * a YAML list of references.
 */
export interface StageDefinition<Schema extends TObject = TObject, Context = unknown, Runner = unknown>
  extends ComponentDefinition<'stage', Schema, Context, Runner> {
  readonly inputs: Readonly<Record<string, 'model' | 'models'>>;
  /** Fields of the settings that are required inputs (the others may be left out). */
  readonly requiredInputs: readonly string[];
  readonly outputs: Readonly<Record<string, ArtifactKind>>;
}

export function isStageDefinition(definition: ComponentDefinition): definition is StageDefinition {
  return definition.kind === 'stage' && 'inputs' in definition && 'outputs' in definition;
}

/** Helper that keeps a stage's settings type tied to its schema at the call site. */
export function defineStage<Schema extends TObject, Context, Runner>(
  definition: StageDefinition<Schema, Context, Runner>,
): StageDefinition<Schema, Context, Runner> {
  return definition;
}
