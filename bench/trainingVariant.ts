// Runs one training variant of scenario 3 in its own process and prints one
// JSON line: samples/s of each measured window, the dev AUC when asked, and
// the process's peak RSS. A separate process per variant keeps one variant's
// WebAssembly heap (which never shrinks, and aborts the process past 4 GiB)
// from affecting the next.
import * as tf from '@tensorflow/tfjs';
import type { Recommender } from '../framework/model/Recommender.ts';
import { metricsOf, openBenchSetup, type BenchModelName } from './lib/benchSetup.ts';
import { peakRssMiB } from './lib/peakRss.ts';
import type { ScenarioOptions } from './lib/ScenarioOptions.ts';
import { StepClock, totalSteps, type StepWindows } from './lib/timeSteps.ts';

/** One fine-tune or distill-fine-tune run to time. */
export interface TrainingVariant {
  readonly type: 'fine-tune' | 'distill-fine-tune';
  readonly model: BenchModelName;
  /** Teachers of a distill-fine-tune run (untrained copies of this model). */
  readonly teacher?: BenchModelName;
  readonly teachers?: number;
  readonly settings: Record<string, unknown>;
  readonly plan: StepWindows;
  /** Evaluate the trained model on every dev impression afterwards. */
  readonly devAuc: boolean;
  /** Variants with the same name draw the same batches. */
  readonly randomName: string;
}

export interface TrainingVariantResult {
  readonly samplesPerSecond: number[];
  readonly warmupSeconds: number;
  readonly devAuc?: number;
  readonly peakRssMiB: number;
  readonly tensorsAfterWarmup: number;
  readonly tensorsAtEnd: number;
}

const [optionsJson, variantJson] = process.argv.slice(2);
const options: ScenarioOptions = { ...(JSON.parse(optionsJson as string) as Omit<ScenarioOptions, 'log'>), log: (line) => process.stderr.write(`${line}\n`) };
const variant = JSON.parse(variantJson as string) as TrainingVariant;
const maxSteps = totalSteps(variant.plan);
const inputs = variant.type === 'fine-tune' ? { models: 'teacher' } : { student: 'student1', teachers: 'teacher' };
const setup = await openBenchSetup(options, {
  train: { type: variant.type, ...inputs, epochs: 100, save: false, logEvery: 1000, maxSteps, ...variant.settings },
  'dev-auc': { type: 'evaluate', models: 'teacher', historyLength: variant.settings.historyLength ?? 50, throughputSample: 0 },
});

const model = await setup.model(variant.model);
const teachers: Recommender[] = [];
if (variant.type === 'distill-fine-tune') {
  for (let index = 0; index < (variant.teachers ?? 1); index++) teachers.push(await setup.model(variant.teacher ?? 'teacher'));
  // Fill the teachers' shared vector caches before timing, as a run does in its first steps.
  await setup.runStage('dev-auc', { models: teachers });
}
const clock = new StepClock();
let tensorsAfterWarmup = -1;
let tensorsAtEnd = -1;
const outputs = await setup.runStage('train', variant.type === 'fine-tune' ? { models: [model] } : { student: [model], teachers }, {
  randomName: variant.randomName,
  onStep: (step) => {
    clock.onStep(step);
    if (step === variant.plan.warmupSteps) tensorsAfterWarmup = tf.memory().numTensors;
    if (step === maxSteps) tensorsAtEnd = tf.memory().numTensors;
  },
});
let trained: Recommender | undefined;
if (outputs.models?.kind === 'models') trained = outputs.models.models[0];
if (outputs.model?.kind === 'model') trained = outputs.model.model;
if (trained === undefined) throw new Error('the training stage returned no model');
let devAuc: number | undefined;
if (variant.devAuc) {
  devAuc = metricsOf(await setup.runStage('dev-auc', { models: [trained] }, { freshVectors: true }), trained.label).AUC;
}
const result: TrainingVariantResult = {
  samplesPerSecond: clock.windowRates(variant.plan, Number(variant.settings.batchSize)),
  warmupSeconds: clock.warmupSeconds(variant.plan),
  ...(devAuc === undefined ? {} : { devAuc }),
  peakRssMiB: peakRssMiB(),
  tensorsAfterWarmup,
  tensorsAtEnd,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

