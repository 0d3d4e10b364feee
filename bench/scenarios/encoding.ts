import { encodeNewsRowsToArray, realLength } from '../../framework/training/encodeNews.ts';
import { newsSource } from '../../framework/training/newsSource.ts';
import { openBenchSetup, type BenchModelName } from '../lib/benchSetup.ts';
import { ratioOf, type Figure, type Ratio } from '../lib/Figure.ts';
import { perSecond, repeat } from '../lib/repeat.ts';
import type { Scenario } from '../lib/ScenarioOptions.ts';

const TITLE_LENGTH = 30;
const CHUNK = 64;

/** Scenario 2: news encoding throughput of the teacher and the 1- and 2-layer students. */
export const encodingScenario: Scenario = {
  id: 'encoding',
  title: '2. News encoding, titles of 30 tokens (wasm)',
  async run(options) {
    const setup = await openBenchSetup(options, {});
    const count = Math.min(options.quick ? 64 : 256, setup.dataset.corpus.size);
    const rows = Array.from({ length: count }, (_, row) => row);
    const counts = options.quick ? { warmup: 1, repetitions: 2 } : { warmup: 1, repetitions: 3 };
    const figures: Figure[] = [];
    const byModel = new Map<BenchModelName, Figure>();
    for (const name of ['teacher', 'student2', 'student1'] as const) {
      const model = await setup.model(name);
      const source = newsSource(setup.tokens, model, 'title', TITLE_LENGTH);
      const figure = await repeat(`${name} (${describe(name)})`, 'news/s', counts, () => {
        const started = performance.now();
        encodeNewsRowsToArray(model.newsEncoder, source, rows, CHUNK);
        return perSecond(rows.length, performance.now() - started);
      });
      figures.push(figure);
      byModel.set(name, figure);
      options.log(`  ${name}: ${figure.median.toFixed(0)} news/s`);
      model.dispose();
    }
    const tokenizerOwner = await setup.model('student1');
    const matrix = setup.tokens.features(tokenizerOwner.tokenizer).tokens('title', TITLE_LENGTH);
    tokenizerOwner.dispose();
    const meanLength = rows.reduce((sum, row) => sum + realLength(matrix, row), 0) / rows.length;
    const teacher = byModel.get('teacher') as Figure;
    const ratios: Ratio[] = [
      ratioOf('1-layer student / teacher news/s', (byModel.get('student1') as Figure).median / teacher.median),
      ratioOf('2-layer student / teacher news/s', (byModel.get('student2') as Figure).median / teacher.median),
    ];
    return {
      figures,
      ratios,
      notes: [
        `the first ${rows.length} titles of the corpus in corpus order, chunks of ${CHUNK}, each chunk cut to its longest title (mean ${meanLength.toFixed(1)} real tokens of at most ${TITLE_LENGTH}), inference mode, no cache`,
      ],
    };
  },
};

function describe(name: BenchModelName): string {
  if (name === 'teacher') return 'all-MiniLM-L6-v2, 6 layers';
  if (name === 'student2') return 'first 2 layers';
  return 'first layer';
}
