import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { NewsCorpus } from '../../framework/data/NewsCorpus.ts';
import { figureOf, ratioOf, type Figure, type Ratio } from '../lib/Figure.ts';
import { generateBehaviors } from '../lib/generateBehaviors.ts';
import type { Scenario, ScenarioOptions } from '../lib/ScenarioOptions.ts';

type ReadMode = 'rows' | 'samples' | 'streamed';

const MODE_LABELS: Record<ReadMode, string> = {
  rows: 'readBehaviors (stream, ids checked)',
  samples: 'fine-tune sample table (readBehaviors + collectFineTuneSamples)',
  streamed: 'streamed epoch (readBehaviors + shuffle buffer of 10,000 + batches of 32)',
};

interface ReadResult {
  readonly rows: number;
  readonly samples: number;
  readonly batches: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
}

function readInChild(options: ScenarioOptions, mode: ReadMode, behaviors: string, news: string): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(options.root, 'bench', 'readBehaviorsChild.ts'), mode, behaviors, news], {
      cwd: options.root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`reading ${behaviors} (${mode}) failed with exit code ${code}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as ReadResult);
    });
  });
}

const FULL_ROWS = 1_000_000;
const QUICK_ROWS = 20_000;
const rowsTitle = (rows: number) => `6. Data: reading a generated ${rows.toLocaleString('en-US')}-row behaviors.tsv`;

/** Scenario 6: rows/s and peak RSS reading a generated 1,000,000-row behaviors file, as a table or as a streamed epoch. */
export const dataScenario: Scenario = {
  id: 'data',
  title: rowsTitle(FULL_ROWS),
  quickTitle: rowsTitle(QUICK_ROWS),
  async run(options) {
    const rows = options.quick ? QUICK_ROWS : FULL_ROWS;
    const news = join(options.mindDirectory, 'train', 'news.tsv');
    const corpus = await NewsCorpus.read([news]);
    const behaviors = join(options.cacheDirectory, `behaviors-${rows}.tsv`);
    const generationStarted = performance.now();
    await generateBehaviors(behaviors, corpus.ids, rows);
    const generationSeconds = (performance.now() - generationStarted) / 1000;

    const repetitions = options.quick ? 1 : 3;
    const figures: Figure[] = [];
    const ratios: Ratio[] = [];
    const notes: string[] = [
      `${rows} rows over the ${corpus.size} news ids of the MIND sample, 0 to 50 history clicks and 10 to 30 candidates per row; ${generationSeconds < 1 ? 'reused from' : `generated in ${generationSeconds.toFixed(0)} s into`} ${behaviors}`,
    ];
    for (const mode of ['rows', 'samples', 'streamed'] as const) {
      const results: ReadResult[] = [];
      for (let index = 0; index < repetitions; index++) results.push(await readInChild(options, mode, behaviors, news));
      const label = MODE_LABELS[mode];
      const rate = figureOf(`${label}`, 'rows/s', results.map((result) => result.rows / result.seconds));
      const seconds = figureOf(`${label}, time`, 's', results.map((result) => result.seconds));
      const memory = figureOf(`${label}, peak RSS`, 'MiB', results.map((result) => result.peakRssMiB));
      figures.push(rate, seconds, memory);
      if (mode === 'samples') notes.push(`the sample table holds ${results[0]?.samples ?? 0} samples of ${results[0]?.rows ?? 0} impressions`);
      if (mode === 'streamed') {
        notes.push(
          `the streamed epoch draws negatives and packs ${results[0]?.samples ?? 0} samples of ${results[0]?.rows ?? 0} impressions into ${results[0]?.batches ?? 0} click batches, which the sample table mode does not; a fine-tune stage with shuffleBuffer also reads the file once more to count the samples`,
        );
      }
      if (!options.quick) {
        // Targets as ratios at least 1: 60 s / time and 1024 MiB / peak RSS.
        ratios.push(ratioOf(`${label}: 60 s / time for 1,000,000 rows`, 60 / seconds.median, 1));
        ratios.push(ratioOf(`${label}: 1 GiB / peak RSS`, 1024 / memory.median, 1));
      }
      options.log(`  ${mode}: ${rate.median.toFixed(0)} rows/s, ${memory.median.toFixed(0)} MiB`);
    }
    notes.push('each repetition is a fresh process; peak RSS is its VmHWM, Node and the news corpus included');
    return { figures, ratios, notes };
  },
};
