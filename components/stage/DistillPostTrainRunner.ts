import * as tf from '@tensorflow/tfjs';
import type { Static } from '@sinclair/typebox';
import { join } from 'node:path';
import type { EmbeddingAlignmentLoss } from '../loss/Loss.ts';
import { saveRecommender } from '../../framework/model/saveRecommender.ts';
import { contrastiveBatches } from '../../framework/training/contrastiveBatches.ts';
import { contrastiveForward, scoreContrastive } from '../../framework/training/contrastiveForward.ts';
import { createDistillationLosses, distillationObjective } from '../../framework/training/distillationObjective.ts';
import { createRowEncoder, distinctRows } from '../../framework/training/encodeNews.ts';
import { newsSource } from '../../framework/training/newsSource.ts';
import type { StageContext, StageOutput, StageRunner } from '../../framework/training/StageContext.ts';
import { trainStep } from '../../framework/training/trainStep.ts';
import { describeNews } from '../../framework/training/positionedBatches.ts';
import { TrainingLoop } from '../../framework/training/TrainingLoop.ts';
import type { distillPostTrainSettings } from './distillPostTrain.ts';

type Settings = Static<typeof distillPostTrainSettings>;

/**
 * Stage-1 distillation: the student learns the title/body task from M frozen
 * teachers. Teacher vectors are computed once per article and reused, which is
 * exact because the teachers do not change during this stage.
 */
export class DistillPostTrainRunner implements StageRunner {
  constructor(private readonly settings: Settings) {}

  async run(context: StageContext): Promise<Record<string, StageOutput>> {
    const { settings } = this;
    const { registry } = context;
    const student = (await context.model('student')).clone(`${context.stageName}.model`);
    student.newsEncoder.setTrainable?.({ layers: settings.trainableLayers, embeddings: settings.trainEmbeddings });
    const teachers = await context.models('teachers');
    context.log.info(`${teachers.length} teachers, ${settings.steps} steps of batch ${settings.batchSize}`);

    const losses = await createDistillationLosses(registry, settings);
    const alignment = await registry.create<EmbeddingAlignmentLoss>('loss', settings.embeddingAlignment, {
      teacherSizes: teachers.map((teacher) => teacher.newsEncoder.outputSize),
      studentSize: student.newsEncoder.outputSize,
      random: context.random.fork('alignment'),
    });
    const optimizer = await registry.create<tf.Optimizer>('optimizer', settings.optimizer, {});

    const encodeTitles = createRowEncoder(
      student.newsEncoder,
      newsSource(context.tokens, student, 'title', settings.titleLength),
      settings,
    );
    const encodeBodies = createRowEncoder(
      student.newsEncoder,
      newsSource(context.tokens, student, 'abstract', settings.bodyLength),
      settings,
    );
    const teacherCaches = teachers.map((teacher) => ({
      size: teacher.newsEncoder.outputSize,
      titles: context.frozenVectors(teacher, 'title', settings.titleLength),
      bodies: context.frozenVectors(teacher, 'abstract', settings.bodyLength),
    }));

    const batches = contrastiveBatches(context.dataset.corpus, {
      batchSize: settings.batchSize,
      negatives: settings.negatives,
      random: context.random,
    });
    const weights = [...student.trainableWeights(), ...alignment.trainableWeights()];
    const loop = new TrainingLoop(context, settings, {
      weights: { student: student.trainableWeights(), alignment: alignment.trainableWeights() },
      optimizer,
    });
    const start = await loop.resume({
      skip: (_, step) => {
        for (let skipped = 0; skipped < step; skipped++) batches.next();
      },
    });
    for (let step = (start.kind === 'resumed' ? start.step : 0) + 1; step <= settings.steps; step++) {
      const batch = batches.next();
      const { distinct, positions } = distinctRows(batch.titles);
      const teacherVectors = teacherCaches.map((cache) => ({
        size: cache.size,
        bodies: cache.bodies.get(batch.anchors),
        titles: cache.titles.get(distinct),
      }));
      encodeTitles.prepare(batch.titles);
      encodeBodies.prepare(batch.anchors);
      const values = trainStep(optimizer, weights, () => {
        const labels = tf.zeros([batch.size], 'int32') as tf.Tensor1D;
        const teacherForwards = teacherVectors.map((vectors) =>
          scoreContrastive(
            tf.tensor2d(vectors.bodies, [batch.size, vectors.size]),
            tf.tensor2d(vectors.titles, [distinct.length, vectors.size]),
            positions,
            batch,
          ),
        );
        const studentForward = contrastiveForward(encodeTitles, encodeBodies, batch, true);
        return distillationObjective(
          losses,
          teacherForwards.map((forward) => forward.scores),
          studentForward.scores,
          labels,
          [
            {
              name: 'title',
              alignment,
              teachers: teacherForwards.map((forward) => forward.ownTitles),
              student: studentForward.ownTitles,
            },
            {
              name: 'body',
              alignment,
              teachers: teacherForwards.map((forward) => forward.bodies),
              student: studentForward.bodies,
            },
          ],
          'alpha',
        );
      });
      context.progress?.step({ step, total: settings.steps, values });
      if (step % settings.logEvery === 0 || step === settings.steps) {
        context.metrics.logStep(values, step);
      }
      context.onStep?.(step);
      const stop = await loop.afterStep(step, { epoch: 1, batch: step }, values.loss as number, () => describeNews(batch.anchors, context.dataset.corpus));
      if (stop !== undefined) break;
    }
    optimizer.dispose();
    alignment.dispose();

    if (settings.save) {
      await saveRecommender(student, join(context.directory, 'student'), { titleLength: settings.titleLength });
    }
    return { model: { kind: 'model', model: student } };
  }
}
