import type { ComponentDefinition } from './ComponentDefinition.ts';
import { bert } from '../../components/backbone/bert.ts';
import { dotClickPredictor } from '../../components/clickPredictor/dot.ts';
import { cnnNewsEncoder } from '../../components/newsEncoder/cnn.ts';
import { namlNewsEncoder } from '../../components/newsEncoder/naml.ts';
import { nrmsNewsEncoder } from '../../components/newsEncoder/nrms.ts';
import { plmNewsEncoder } from '../../components/newsEncoder/plm.ts';
import { additiveAttentionPooling } from '../../components/pooling/additiveAttention.ts';
import { clsPooling } from '../../components/pooling/cls.ts';
import { meanPooling } from '../../components/pooling/mean.ts';
import { wordPiece } from '../../components/tokenizer/wordpiece.ts';
import { additiveAttentionUserEncoder } from '../../components/userEncoder/additiveAttention.ts';
import { lsturUserEncoder } from '../../components/userEncoder/lstur.ts';
import { selfAttentionUserEncoder } from '../../components/userEncoder/selfAttention.ts';
import { mindDataset } from '../../components/dataset/mind.ts';
import { syntheticMindDataset } from '../../components/dataset/syntheticMind.ts';
import { embeddingAlignmentLoss } from '../../components/loss/embeddingAlignment.ts';
import { infonceLoss } from '../../components/loss/infonce.ts';
import { softmaxCrossEntropyLoss } from '../../components/loss/softmaxCrossEntropy.ts';
import { softTargetLoss } from '../../components/loss/softTarget.ts';
import { adamOptimizer } from '../../components/optimizer/adam.ts';
import { lossBasedWeighting } from '../../components/teacherWeighting/lossBased.ts';
import { uniformWeighting } from '../../components/teacherWeighting/uniform.ts';
import { distillFineTuneStage } from '../../components/stage/distillFineTune.ts';
import { distillPostTrainStage } from '../../components/stage/distillPostTrain.ts';
import { evaluateStage } from '../../components/stage/evaluate.ts';
import { fineTuneStage } from '../../components/stage/fineTune.ts';
import { postTrainStage } from '../../components/stage/postTrain.ts';
import { localTracker } from '../../components/tracker/local.ts';
import { mlflowTracker } from '../../components/tracker/mlflow.ts';

/**
 * Every component that ships with newsrec-lab. Definition modules only declare
 * schemas and factories; heavy libraries (TensorFlow.js) are imported inside the
 * factories' modules lazily, so listing and validating stay fast.
 */
export const BUILTIN_COMPONENTS: readonly ComponentDefinition[] = [
  wordPiece,
  bert,
  additiveAttentionPooling,
  clsPooling,
  meanPooling,
  plmNewsEncoder,
  nrmsNewsEncoder,
  namlNewsEncoder,
  cnnNewsEncoder,
  additiveAttentionUserEncoder,
  selfAttentionUserEncoder,
  lsturUserEncoder,
  dotClickPredictor,
  mindDataset,
  syntheticMindDataset,
  infonceLoss,
  softmaxCrossEntropyLoss,
  softTargetLoss,
  embeddingAlignmentLoss,
  lossBasedWeighting,
  uniformWeighting,
  adamOptimizer,
  postTrainStage,
  distillPostTrainStage,
  fineTuneStage,
  distillFineTuneStage,
  evaluateStage,
  localTracker,
  mlflowTracker,
];
