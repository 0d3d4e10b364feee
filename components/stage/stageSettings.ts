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

/** Builds the gradient-accumulation setting with a stage's own description of what its split keeps exact. */
export const microBatchSizeSetting = (description: string) => Type.Integer({ minimum: 0, default: 0, description });

export const microBatchSize = microBatchSizeSetting(
  'Samples per forward and backward pass (fine-tune): a batch is split into parts of this size whose gradients are summed before one optimiser step, so only one part\'s activations are held at a time. Equal to whole batches up to float rounding without dropout or other random masks (such as the user-embedding mask of LSTUR); with them the masks differ. Rounding differences can grow over many Adam steps and show in the 4th digit of metrics. With staleHistorySteps, ages count parts. 0: the whole batch at once',
);

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

export const shuffleBuffer = Type.Integer({
  minimum: 0,
  default: 0,
  description:
    'Samples in the shuffle buffer of a streamed epoch: each epoch reads behaviors.tsv again, draws new negatives and shuffles within this many samples, so memory does not grow with the impressions. 0: keep every sample in memory, negatives drawn once and a full shuffle per epoch',
});

export const adam = (learningRate: number) =>
  nestedComponent('optimizer', { type: 'adam', learningRate }, 'Optimiser of the trained weights');

export const checkpointEvery = Type.Integer({
  minimum: 0,
  default: 500,
  description:
    'Steps between training checkpoints (weights, optimizer state, data position, random state) in the run directory; ' +
    'Ctrl-C also writes one. 0: only at Ctrl-C',
});

export const divergence = Type.Object(
  {
    factor: Type.Number({
      minimum: 0,
      default: 0,
      description: 'Stop training early when the loss stays above factor times the best running mean of the loss (0: off)',
    }),
    patience: Type.Integer({ minimum: 1, default: 50, description: 'Consecutive steps above the limit before training stops' }),
    window: Type.Integer({ minimum: 1, default: 50, description: 'Steps averaged in the running mean of the loss' }),
  },
  { default: {}, additionalProperties: false, description: 'Early stop of a diverging loss; off by default' },
);

/** Settings every training stage shares: checkpoints and the divergence stop. */
export const trainingGuardSettings = { checkpointEvery, divergence };

export const earlyStopping = Type.Object(
  {
    every: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'Steps between evaluations on the first `impressions` dev impressions (0: off)',
    }),
    patience: Type.Integer({
      minimum: 1,
      default: 3,
      description: 'Evaluations without improvement before training stops; the best weights are kept',
    }),
    impressions: Type.Integer({ minimum: 1, default: 1000, description: 'Dev impressions scored at each evaluation' }),
    metric: Type.Union([Type.Literal('AUC'), Type.Literal('MRR'), Type.Literal('nDCG@5'), Type.Literal('nDCG@10')], {
      default: 'AUC',
      description: 'Metric that has to improve',
    }),
  },
  {
    default: {},
    additionalProperties: false,
    description: 'Evaluation-based early stopping on a subset of the dev split, keeping the best weights; off by default',
  },
);

export type AnySchema = TSchema;
