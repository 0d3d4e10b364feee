import * as tf from '@tensorflow/tfjs';
import type { Static } from '@sinclair/typebox';
import { join } from 'node:path';
import type { ClassificationLoss } from '../loss/Loss.ts';
import type { Recommender } from '../../framework/model/Recommender.ts';
import { saveRecommender } from '../../framework/model/saveRecommender.ts';
import { splitClickBatch } from '../../framework/training/clickBatches.ts';
import type { ClickBatch } from '../../framework/training/clickForward.ts';
import { ClickBatchEncoder } from '../../framework/training/ClickBatchEncoder.ts';
import { FineTuneData } from '../../framework/training/FineTuneData.ts';
import { newsSource, userIndexFor } from '../../framework/training/newsSource.ts';
import type { StageContext, StageOutput, StageRunner } from '../../framework/training/StageContext.ts';
import { accumulatedTrainStep, trainStep } from '../../framework/training/trainStep.ts';
import { createEarlyStopping } from '../../framework/training/EarlyStopping.ts';
import { describeImpressions } from '../../framework/training/positionedBatches.ts';
import { keptTaskWeights, TrainingLoop } from '../../framework/training/TrainingLoop.ts';
import { requireSplit } from './requireSplit.ts';
import type { fineTuneSettings } from './fineTune.ts';

type Settings = Static<typeof fineTuneSettings>;

/** Fine-tunes each input model on click prediction; the outputs keep the input order. */
export class FineTuneRunner implements StageRunner {
  constructor(private readonly settings: Settings) {}

  async run(context: StageContext): Promise<Record<string, StageOutput>> {
    const { settings } = this;
    const sources = await context.models('models');
    const split = requireSplit(context, 'train');
    const users = await userIndexFor(context, sources);
    const data = await FineTuneData.open(split, context.dataset.corpus, context.random, settings, users);
    const stepsPerEpoch = Math.ceil(data.sampleCount / settings.batchSize);
    const totalSteps = capSteps(settings.epochs * stepsPerEpoch, settings.maxSteps);
    context.log.info(
      `${sources.length} model(s); ${data.describe()}, ${totalSteps} steps of batch ${settings.batchSize}${inParts(settings)} per model`,
    );

    const tuned: Recommender[] = [];
    for (const [index, source] of sources.entries()) {
      const model = source.clone(`${context.stageName}.models[${index}]`);
      model.newsEncoder.setTrainable?.({ layers: settings.trainableLayers, embeddings: settings.trainEmbeddings });
      const loss = await context.registry.create<ClassificationLoss>('loss', settings.loss, {});
      const optimizer = await context.registry.create<tf.Optimizer>('optimizer', settings.optimizer, {});
      const encodeTitles = new ClickBatchEncoder(model, newsSource(context.tokens, model, 'title', settings.titleLength), settings);
      const weights = model.trainableWeights();
      const prefix = sources.length > 1 ? `model_${index + 1}/` : '';
      const batches = data.batches(context.random.fork(`model ${index}`));
      const loop = new TrainingLoop(context, settings, {
        weights: { model: model.trainableWeights() },
        optimizer,
        task: index,
        kept: () => keptTaskWeights(tuned),
        earlyStopping: await createEarlyStopping(context, model, settings, prefix),
      });
      const start = await loop.resume({ skip: (position) => batches.skip(position) });

      let step = start.kind === 'resumed' ? start.step : 0;
      if (start.kind === 'done') step = totalSteps;
      if (step < totalSteps) {
        for await (const { epoch, batch: batchNumber, value: batch } of batches) {
          step += 1;
          const clickLoss = (part: ClickBatch) => {
            const forward = encodeTitles.forward(part, true);
            const labels = tf.zeros([part.size], 'int32') as tf.Tensor1D;
            return { total: loss.compute(forward.scores, labels), parts: {} };
          };
          let values: Record<string, number>;
          if (settings.microBatchSize > 0 && batch.size > settings.microBatchSize) {
            const parts = splitClickBatch(batch, settings.microBatchSize).map((part) => ({
              share: part.size / batch.size,
              prepare: () => encodeTitles.prepare(part),
              computeLoss: () => clickLoss(part),
            }));
            values = accumulatedTrainStep(optimizer, weights, parts);
          } else {
            encodeTitles.prepare(batch);
            values = trainStep(optimizer, weights, () => clickLoss(batch));
          }
          context.progress?.step({ step, total: totalSteps, values, ...(prefix === '' ? {} : { task: `model ${index + 1}/${sources.length}` }) });
          if (step % settings.logEvery === 0 || step === totalSteps) {
            context.metrics.logStep(prefixKeys(values, prefix), step);
          }
          context.onStep?.(step);
          const stop = await loop.afterStep(step, { epoch, batch: batchNumber }, values.loss as number, () =>
            describeImpressions(batch.impressionIds ?? []),
          );
          if (step >= totalSteps || stop !== undefined) break;
        }
        loop.finish();
      }
      optimizer.dispose();
      if (settings.save) {
        await saveRecommender(model, join(context.directory, `model-${index + 1}`), { titleLength: settings.titleLength, historyLength: settings.historyLength });
      }
      tuned.push(model);
    }
    return { models: { kind: 'models', models: tuned } };
  }
}

/** Returns the stage log's note on gradient accumulation, e.g. " in parts of 8", or "" when batches are not split. */
export function inParts(settings: { readonly batchSize: number; readonly microBatchSize: number }): string {
  return settings.microBatchSize > 0 && settings.microBatchSize < settings.batchSize ? ` in parts of ${settings.microBatchSize}` : '';
}

/** Returns the total steps after applying maxSteps (0 means no cap). */
export function capSteps(steps: number, maxSteps: number): number {
  return maxSteps > 0 ? Math.min(steps, maxSteps) : steps;
}

export function prefixKeys(values: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [prefix + key, value]));
}
