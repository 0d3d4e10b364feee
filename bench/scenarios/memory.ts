import * as tf from '@tensorflow/tfjs';
import { openBenchSetup } from '../lib/benchSetup.ts';
import { figureOf, ratioOf } from '../lib/Figure.ts';
import type { Scenario } from '../lib/ScenarioOptions.ts';

const FULL_STEPS = 1000;
const QUICK_STEPS = 50;
const stepsTitle = (steps: number) => `7. Memory: tensor count over ${steps.toLocaleString('en-US')} training steps`;

/** Scenario 7: tf.memory().numTensors over 1,000 fine-tune steps; every scenario's peak RSS is in its own table. */
export const memoryScenario: Scenario = {
  id: 'memory',
  title: stepsTitle(FULL_STEPS),
  quickTitle: stepsTitle(QUICK_STEPS),
  async run(options) {
    const steps = options.quick ? QUICK_STEPS : FULL_STEPS;
    const setup = await openBenchSetup(options, {
      long: { type: 'fine-tune', models: 'tiny', batchSize: 2, historyLength: 10, maxSteps: steps, epochs: 100, save: false, logEvery: 1000 },
    });
    const model = await setup.model('tiny');
    const counts = new Map<number, number>();
    const checkpoints = new Set([10, ...Array.from({ length: 10 }, (_, index) => ((index + 1) * steps) / 10)]);
    const started = performance.now();
    await setup.runStage('long', { models: [model] }, {
      onStep: (step) => {
        if (checkpoints.has(step)) counts.set(step, tf.memory().numTensors);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const first = counts.get(10) ?? Number.NaN;
    const last = counts.get(steps) ?? Number.NaN;
    return {
      figures: [
        figureOf('tensors after step 10', 'tensors', [first]),
        figureOf(`tensors after step ${steps}`, 'tensors', [last]),
        figureOf('training steps', 'steps/s', [steps / seconds]),
      ],
      // At least 1 when the count did not grow: tensors after step 10 / tensors at the end.
      ratios: [ratioOf(`tensor count after step 10 / after step ${steps} (flat: 1)`, first / last, 1)],
      notes: [
        `fine-tune of a small randomly initialised BERT (hidden 32, 2 layers) with the MiniLM tokenizer, batch 2, history 10, every default speed-up on (the sizes only change the time per step, not which tensors a step creates)`,
        `tensor counts at steps ${[...counts.entries()].map(([step, count]) => `${step}: ${count}`).join(', ')}`,
        'peak RSS of each scenario is under its table; the training variants of scenario 3 list their own',
      ],
    };
  },
};
