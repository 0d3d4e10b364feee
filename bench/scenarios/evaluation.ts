import { metricsOf, openBenchSetup } from '../lib/benchSetup.ts';
import type { Figure } from '../lib/Figure.ts';
import { perSecond, repeat } from '../lib/repeat.ts';
import type { Scenario } from '../lib/ScenarioOptions.ts';

/** Scenario 4: dev impressions per second of the evaluate stage, news encoding included. */
export const evaluationScenario: Scenario = {
  id: 'evaluation',
  title: '4. Evaluation: dev impressions/s, news encoding included (wasm)',
  async run(options) {
    const historyLength = options.quick ? 10 : 50;
    const setup = await openBenchSetup(options, {
      'dev-eval': { type: 'evaluate', models: 'teacher', historyLength, throughputSample: 0 },
    });
    const counts = options.quick ? { warmup: 0, repetitions: 1 } : { warmup: 1, repetitions: 3 };
    const figures: Figure[] = [];
    const notes: string[] = [];
    for (const name of ['student1', 'student2'] as const) {
      const model = await setup.model(name);
      let impressions = 0;
      let auc = Number.NaN;
      const figure = await repeat(`${name === 'student1' ? '1-layer' : '2-layer'} student`, 'impressions/s', counts, async () => {
        const started = performance.now();
        // Fresh vectors: every article the dev impressions name is encoded again in each repetition.
        const metrics = metricsOf(await setup.runStage('dev-eval', { models: [model] }, { freshVectors: true }), model.label);
        impressions = (metrics.impressions ?? 0) + (metrics.skipped_impressions ?? 0);
        auc = metrics.AUC ?? Number.NaN;
        return perSecond(impressions, performance.now() - started);
      });
      figures.push(figure);
      notes.push(`${name}: ${impressions} dev impressions, history ${historyLength}, batches of 128; AUC ${auc.toFixed(3)} (untrained pooling and user encoder)`);
      options.log(`  ${name}: ${figure.median.toFixed(1)} impressions/s`);
      model.dispose();
    }
    notes.push('the teacher is left out to keep the benchmark short: its evaluation time is dominated by encoding the 2,000 articles once, at the news/s of scenario 2');
    return { figures, ratios: [], notes };
  },
};
