import type { ComponentDefinition } from './ComponentDefinition.ts';
import { mindDataset } from '../../components/dataset/mind.ts';
import { syntheticMindDataset } from '../../components/dataset/syntheticMind.ts';
import { distillFineTuneStage } from '../../components/stage/distillFineTune.ts';
import { distillPostTrainStage } from '../../components/stage/distillPostTrain.ts';
import { evaluateStage } from '../../components/stage/evaluate.ts';
import { fineTuneStage } from '../../components/stage/fineTune.ts';
import { postTrainStage } from '../../components/stage/postTrain.ts';
import { localTracker } from '../../components/tracker/local.ts';

/**
 * Every component that ships with newsrec-lab. Definition modules only declare
 * schemas and factories; heavy libraries (TensorFlow.js) are imported inside the
 * factories' modules lazily, so listing and validating stay fast.
 */
export const BUILTIN_COMPONENTS: readonly ComponentDefinition[] = [
  mindDataset,
  syntheticMindDataset,
  postTrainStage,
  distillPostTrainStage,
  fineTuneStage,
  distillFineTuneStage,
  evaluateStage,
  localTracker,
];
