import { nestedComponent } from './stageSettings.ts';

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
