import * as tf from '@tensorflow/tfjs';
import type { Static } from '@sinclair/typebox';
import { join } from 'node:path';
import type { EmbeddingAlignmentLoss } from '../loss/Loss.ts';
import { saveRecommender } from '../../framework/model/saveRecommender.ts';
import { splitClickBatch } from '../../framework/training/clickBatches.ts';
import { rowsOfClickBatch, type ClickBatch } from '../../framework/training/clickForward.ts';
import { ClickBatchEncoder } from '../../framework/training/ClickBatchEncoder.ts';
import { FineTuneData } from '../../framework/training/FineTuneData.ts';
import { createDistillationLosses, studentObjective } from '../../framework/training/distillationObjective.ts';
import { newsSource, userIndexFor } from '../../framework/training/newsSource.ts';
import type { StageContext, StageOutput, StageRunner } from '../../framework/training/StageContext.ts';
import { accumulatedTrainStep, trainStep } from '../../framework/training/trainStep.ts';
import { TeacherClickBatch } from '../../framework/training/TeacherClickBatch.ts';
import { createEarlyStopping } from '../../framework/training/EarlyStopping.ts';
import { describeImpressions } from '../../framework/training/positionedBatches.ts';
import { TrainingLoop } from '../../framework/training/TrainingLoop.ts';
import type { distillFineTuneSettings } from './distillFineTune.ts';
import { capSteps, inParts } from './FineTuneRunner.ts';
import { requireSplit } from './requireSplit.ts';

type Settings = Static<typeof distillFineTuneSettings>;

/**
 * Stage-2 distillation: the student learns click prediction from M frozen,
 * fine-tuned teachers. Teacher news vectors are computed once per article and
 * reused, which is exact because the teachers do not change. Teacher user
 * vectors, scores and weights are computed per batch from those vectors,
 * outside the gradient step. With microBatchSize, each part of the batch takes
 * its rows of them.
 */
export class DistillFineTuneRunner implements StageRunner {
  constructor(private readonly settings: Settings) {}

  async run(context: StageContext): Promise<Record<string, StageOutput>> {
    const { settings } = this;
    const { registry } = context;
    const student = (await context.model('student')).clone(`${context.stageName}.model`);
    student.newsEncoder.setTrainable?.({ layers: settings.trainableLayers, embeddings: settings.trainEmbeddings });
    const teachers = await context.models('teachers');

    const split = requireSplit(context, 'train');
    const users = await userIndexFor(context, [student, ...teachers]);
    const data = await FineTuneData.open(split, context.dataset.corpus, context.random, settings, users);
    const totalSteps = capSteps(settings.epochs * Math.ceil(data.sampleCount / settings.batchSize), settings.maxSteps);
    context.log.info(`${teachers.length} teachers; ${data.describe()}, ${totalSteps} steps of batch ${settings.batchSize}${inParts(settings)}`);

    const losses = await createDistillationLosses(registry, settings);
    const alignmentContext = (name: string) => ({
      teacherSizes: teachers.map((teacher) => teacher.newsEncoder.outputSize),
      studentSize: student.newsEncoder.outputSize,
      random: context.random.fork(name),
    });
    const newsAlignment = await registry.create<EmbeddingAlignmentLoss>(
      'loss',
      settings.embeddingAlignment,
      alignmentContext('news alignment'),
    );
    const userAlignment = await registry.create<EmbeddingAlignmentLoss>(
      'loss',
      settings.embeddingAlignment,
      alignmentContext('user alignment'),
    );
    const optimizer = await registry.create<tf.Optimizer>('optimizer', settings.optimizer, {});

    const encodeTitles = new ClickBatchEncoder(student, newsSource(context.tokens, student, 'title', settings.titleLength), settings);
    const teacherCaches = teachers.map((teacher) => context.frozenVectors(teacher, 'title', settings.titleLength));
    const vectorsOf = teacherCaches.map((cache) => (rows: Int32Array) => cache.get(rows));
    const weights = [...student.trainableWeights(), ...newsAlignment.trainableWeights(), ...userAlignment.trainableWeights()];
    const batches = data.batches(context.random.fork('batches'));
    const loop = new TrainingLoop(context, settings, {
      weights: { student: student.trainableWeights(), news: newsAlignment.trainableWeights(), user: userAlignment.trainableWeights() },
      optimizer,
      earlyStopping: await createEarlyStopping(context, student, settings),
    });
    const start = await loop.resume({ skip: (position) => batches.skip(position) });

    let step = start.kind === 'resumed' ? start.step : 0;
    if (step < totalSteps) {
      for await (const { epoch, batch: batchNumber, value: batch } of batches) {
        step += 1;
        // Caches are filled before the gradient step so the step's tape holds only the trained part.
        const batchRows = rowsOfClickBatch(batch);
        for (const cache of teacherCaches) cache.get(batchRows);
        const teacherBatch = TeacherClickBatch.compute(losses, teachers, vectorsOf, batch);
        const studentLoss = (part: ClickBatch, teacherPart: TeacherClickBatch) => {
          const labels = tf.zeros([part.size], 'int32') as tf.Tensor1D;
          const studentForward = encodeTitles.forward(part, true);
          const flatten = (vectors: tf.Tensor3D) =>
            tf.reshape(vectors, [part.size * part.candidateCount, vectors.shape[2]]) as tf.Tensor2D;
          return studentObjective(losses, teacherPart.targets, studentForward.scores, labels, [
            {
              name: 'news',
              alignment: newsAlignment,
              teachers: teacherPart.candidateVectors.map(flatten),
              student: flatten(studentForward.candidateVectors),
              rowsPerSample: part.candidateCount,
            },
            {
              name: 'user',
              alignment: userAlignment,
              teachers: teacherPart.users,
              student: studentForward.users,
            },
          ]);
        };
        let stepValues: Record<string, number>;
        if (settings.microBatchSize > 0 && batch.size > settings.microBatchSize) {
          const parts = splitClickBatch(batch, settings.microBatchSize).map((part, index) => ({
            share: part.size / batch.size,
            prepare: () => encodeTitles.prepare(part),
            computeLoss: () => studentLoss(part, teacherBatch.slice(index * settings.microBatchSize, part.size)),
          }));
          stepValues = accumulatedTrainStep(optimizer, weights, parts);
        } else {
          encodeTitles.prepare(batch);
          stepValues = trainStep(optimizer, weights, () => studentLoss(batch, teacherBatch));
        }
        // The weight statistics (mean, std, min, max over samples) come from the whole batch, never from parts.
        const values = { ...stepValues, ...teacherBatch.weightStatistics('beta') };
        teacherBatch.dispose();
        context.progress?.step({ step, total: totalSteps, values });
        if (step % settings.logEvery === 0 || step === totalSteps) {
          context.metrics.logStep(values, step);
        }
        context.onStep?.(step);
        const stop = await loop.afterStep(step, { epoch, batch: batchNumber }, values.loss as number, () =>
          describeImpressions(batch.impressionIds ?? []),
        );
        if (step >= totalSteps || stop !== undefined) break;
      }
    }
    loop.finish();
    optimizer.dispose();
    newsAlignment.dispose();
    userAlignment.dispose();

    if (settings.save) {
      await saveRecommender(student, join(context.directory, 'student'), { titleLength: settings.titleLength, historyLength: settings.historyLength });
    }
    return { model: { kind: 'model', model: student } };
  }
}
