import { microBatchSizeSetting, nestedComponent } from './stageSettings.ts';

/** Loss settings shared by both distillation stages; the target loss differs and is set by each stage. */
export const distillationSettings = {
  distillation: nestedComponent(
    'loss',
    { type: 'soft-target', temperature: 1, scaleByTemperatureSquared: false },
    'Soft-target loss between the weighted teachers and the student (authors: temperature 1, no T^2 factor)',
  ),
  embeddingAlignment: nestedComponent(
    'loss',
    { type: 'embedding-alignment' },
    'MSE between linearly mapped teacher vectors and student vectors, one map per teacher',
  ),
  teacherWeighting: nestedComponent(
    'teacherWeighting',
    { type: 'loss-based' },
    'How teachers are weighted per sample (Tiny-NewsRec: softmax of minus each teacher\'s loss)',
  ),
};

/** Gradient-accumulation setting of distill-fine-tune (stage-1 distillation does not split its batches). */
export const distillationMicroBatchSize = microBatchSizeSetting(
  'Samples per forward and backward pass (distill-fine-tune): a batch is split into parts of this size whose gradients are summed before one optimiser step, so only one part\'s activations are held at a time. ' +
    'The frozen teachers\' scores, weights and vectors are computed for the whole batch first, without gradient, and each part takes its rows, so the teacher weighting receives the whole batch. ' +
    'Without dropout or other random masks, the losses and the logged teacher weights equal whole batches up to float rounding, because every loss term (soft-target, target and embedding alignment) is a mean over samples. ' +
    'Not exact: with dropout in the student the masks differ, a plug-in loss that is not a mean over samples differs, and with staleHistorySteps ages count parts. 0: the whole batch at once',
);
