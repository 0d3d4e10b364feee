import { Type, type TSchema } from '@sinclair/typebox';
import type { ComponentSpec } from '../../framework/registry/ComponentDefinition.ts';
import type { ComponentKind } from '../../framework/registry/componentKinds.ts';

// Schema pieces shared by the stage components. Defaults follow the authors'
// Tiny-NewsRec scripts (yflyl613/Tiny-NewsRec, Tiny-NewsRec/demo.sh and
// parameters.py) unless a comment states otherwise.

/** Builds a nested component setting with a default component. */
export function nestedComponent(kind: ComponentKind, fallback: ComponentSpec, description: string) {
  return Type.Unsafe<ComponentSpec>({ $ref: `#/$defs/${kind}`, default: fallback, description });
}

/** Builds an input that names one model: a `models:` entry or `stage.output`. */
export function modelInput(description: string) {
  return Type.String({ minLength: 1, description });
}

/** Builds an input that names several models: one reference or a list of references. */
export function modelsInput(description: string) {
  return Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
    description,
  });
}

export const titleLength = Type.Integer({
  minimum: 3,
  default: 30,
  description: 'Tokens kept of each title, [CLS] and [SEP] included (authors: 30)',
});

export const batchSize = (fallback: number) =>
  Type.Integer({ minimum: 1, default: fallback, description: 'Samples per optimisation step' });

export const logEvery = Type.Integer({
  minimum: 1,
  default: 10,
  description: 'Steps between logged training metrics',
});

export const saveModels = Type.Boolean({
  default: true,
  description: 'Save the trained models in the run directory (Hugging Face layout)',
});

/** Builds the setting for the number of top PLM layers that train in a stage. */
export const trainableLayers = (fallback: number, source: string) =>
  Type.Integer({
    minimum: 0,
    default: fallback,
    description: `Number of top transformer layers that train; lower layers stay frozen (${source})`,
  });

export const trainEmbeddings = Type.Boolean({
  default: false,
  description: 'Also train the token, position and type embeddings (the authors freeze them)',
});

export const cacheFrozenLayers = Type.Boolean({
  default: true,
  description:
    'Run the frozen lower part of the PLM (embeddings and frozen layers) once per article and reuse its output; exact, because frozen layers use no dropout',
});

export const lengthBucketSize = Type.Integer({
  minimum: 0,
  default: 32,
  description:
    'Encode the articles of a batch in groups of this many texts of similar length, each cut to its own longest text (0: one group padded to the longest)',
});

export const dedupeNews = Type.Boolean({
  default: true,
  description:
    'Encode each distinct article of a batch once and reuse its vector for every history slot and candidate it fills; exact',
});

export const staleHistorySteps = Type.Integer({
  minimum: 0,
  default: 0,
  description:
    'Reuse history news vectors computed up to this many steps earlier (inference mode, no gradient) and encode only the candidates with gradient; faster but changes results (0: off)',
});

export const historyLength = Type.Integer({
  minimum: 1,
  default: 50,
  description: 'Clicked news kept per user, the most recent ones (authors: 50)',
});

export const npratio = Type.Integer({
  minimum: 1,
  default: 4,
  description: 'Non-clicked candidates sampled per click from the same impression (authors: 4)',
});

export const epochs = (fallback: number) =>
  Type.Integer({ minimum: 1, default: fallback, description: 'Passes over the training impressions' });

export const maxSteps = Type.Integer({
  minimum: 0,
  default: 0,
  description: 'Stop after this many steps per model (0: no limit, run every epoch)',
});

export const adam = (learningRate: number) =>
  nestedComponent('optimizer', { type: 'adam', learningRate }, 'Optimiser of the trained weights');

export type AnySchema = TSchema;
