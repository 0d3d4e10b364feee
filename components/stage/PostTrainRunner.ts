import * as tf from '@tensorflow/tfjs';
import type { Static } from '@sinclair/typebox';
import type { ClassificationLoss } from '../loss/Loss.ts';
import type { Recommender } from '../../framework/model/Recommender.ts';
import { saveRecommender } from '../../framework/model/saveRecommender.ts';
import { contrastiveBatches } from '../../framework/training/contrastiveBatches.ts';
import { contrastiveForward } from '../../framework/training/contrastiveForward.ts';
import { createRowEncoder } from '../../framework/training/encodeNews.ts';
import { newsSource } from '../../framework/training/newsSource.ts';
import type { StageContext, StageOutput, StageRunner } from '../../framework/training/StageContext.ts';
import { trainStep } from '../../framework/training/trainStep.ts';
import { describeNews } from '../../framework/training/positionedBatches.ts';
import { TrainingLoop } from '../../framework/training/TrainingLoop.ts';
import type { postTrainSettings } from './postTrain.ts';
import { join } from 'node:path';

type Settings = Static<typeof postTrainSettings>;

/**
 * Domain-specific post-training of one model with the title/body InfoNCE task.
 * Training stops at the last snapshot: step after + count * every.
 */
export class PostTrainRunner implements StageRunner {
  constructor(private readonly settings: Settings) {}

  async run(context: StageContext): Promise<Record<string, StageOutput>> {
    const { settings } = this;
    const source = await context.model('model');
    const model = source.clone(`${context.stageName}.model`);
    model.newsEncoder.setTrainable?.({ layers: settings.trainableLayers, embeddings: settings.trainEmbeddings });

    const loss = await context.registry.create<ClassificationLoss>('loss', settings.loss, {});
    const optimizer = await context.registry.create<tf.Optimizer>('optimizer', settings.optimizer, {});
    const encodeTitles = createRowEncoder(
      model.newsEncoder,
      newsSource(context.tokens, model, 'title', settings.titleLength),
      settings,
    );
    const encodeBodies = createRowEncoder(
      model.newsEncoder,
      newsSource(context.tokens, model, 'abstract', settings.bodyLength),
      settings,
    );
    const { snapshots: plan } = settings;
    const totalSteps = plan.after + plan.count * plan.every;
    context.log.info(
      `${totalSteps} steps of batch ${settings.batchSize}; snapshots at steps ${snapshotSteps(plan).join(', ')}`,
    );

    const snapshots: Recommender[] = [];
    const batches = contrastiveBatches(context.dataset.corpus, {
      batchSize: settings.batchSize,
      negatives: settings.negatives,
      random: context.random,
    });
    const weights = model.trainableWeights();
    const loop = new TrainingLoop(context, settings, {
      weights: { model: weights },
      optimizer,
      kept: () => Object.fromEntries(snapshots.map((snapshot, index) => [`snapshot-${index + 1}`, snapshot.weights()])),
    });
    const start = await loop.resume({
      skip: (_, step) => {
        for (let skipped = 0; skipped < step; skipped++) batches.next();
      },
      recreateKept: (names) =>
        Object.fromEntries(
          names.map((name) => {
            const snapshot = model.clone(`${context.stageName}.snapshots[${snapshots.length}]`);
            snapshots.push(snapshot);
            return [name, snapshot.weights()];
          }),
        ),
    });
    for (let step = (start.kind === 'resumed' ? start.step : 0) + 1; step <= totalSteps; step++) {
      const batch = batches.next();
      encodeTitles.prepare(batch.titles);
      encodeBodies.prepare(batch.anchors);
      const values = trainStep(optimizer, weights, () => {
        const forward = contrastiveForward(encodeTitles, encodeBodies, batch, true);
        const labels = tf.zeros([batch.size], 'int32') as tf.Tensor1D;
        const total = loss.compute(forward.scores, labels);
        return { total, parts: {} };
      });
      context.progress?.step({ step, total: totalSteps, values });
      if (step % settings.logEvery === 0 || step === totalSteps) {
        context.metrics.logStep(values, step);
      }
      if (step > plan.after && (step - plan.after) % plan.every === 0) {
        const snapshot = model.clone(`${context.stageName}.snapshots[${snapshots.length}]`);
        snapshots.push(snapshot);
        context.log.info(`snapshot ${snapshots.length}/${plan.count} kept at step ${step}`);
      }
      context.onStep?.(step);
      const stop = await loop.afterStep(step, { epoch: 1, batch: step }, values.loss as number, () => describeNews(batch.anchors, context.dataset.corpus));
      if (stop !== undefined) break;
    }
    optimizer.dispose();

    if (settings.save) {
      for (const [index, snapshot] of snapshots.entries()) {
        await saveRecommender(snapshot, join(context.directory, `snapshot-${index + 1}`), { titleLength: settings.titleLength });
      }
    }
    const last = snapshots[snapshots.length - 1] as Recommender;
    model.dispose();
    return {
      model: { kind: 'model', model: last },
      snapshots: { kind: 'models', models: snapshots },
    };
  }
}

function snapshotSteps(plan: Settings['snapshots']): number[] {
  return Array.from({ length: plan.count }, (_, index) => plan.after + (index + 1) * plan.every);
}
