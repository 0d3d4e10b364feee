import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { figureOf, type Figure } from '../lib/Figure.ts';
import { runPython } from '../lib/runPython.ts';
import type { Scenario } from '../lib/ScenarioOptions.ts';

const QUICK_RUN = { batch: 2, history: 5, steps: 2 };

/**
 * Scenario 5: the fine-tune step in PyTorch eager on the same CPU, from
 * bench/pytorch/fine_tune_step.py. The ratio to our fine-tune samples/s is
 * computed by the benchmark runner from scenario 3's figure.
 */
export const pytorchScenario: Scenario = {
  id: 'pytorch',
  title: '5. PyTorch eager, the same fine-tune step (all-MiniLM-L6-v2, top 2 layers, history 50, npratio 4)',
  quickTitle: `5. PyTorch eager, the same fine-tune step (all-MiniLM-L6-v2, top 2 layers, --quick: batch ${QUICK_RUN.batch}, history ${QUICK_RUN.history}, npratio 4)`,
  async run(options) {
    const probe = spawnSync(options.python, ['-c', 'import torch, transformers; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      return {
        figures: [],
        ratios: [],
        notes: [],
        skipped: `torch and transformers are not importable by ${options.python}; install them with \`npm run bench:torch-install\``,
      };
    }
    const runs = options.quick
      ? [QUICK_RUN]
      : [
          { batch: 32, history: 50, steps: 3 },
          { batch: 8, history: 50, steps: 3 },
        ];
    const script = join(options.root, 'bench', 'pytorch', 'fine_tune_step.py');
    const figures: Figure[] = [];
    const notes: string[] = [];
    let threads = 0;
    for (const run of runs) {
      const sizes = ['--batch', String(run.batch), '--history', String(run.history), '--warmup', '1', '--steps', String(run.steps)];
      const outcome = await runPython(options.python, script, ['--checkpoint', options.checkpoint, '--mind', options.mindDirectory, ...sizes], options.log);
      if (!outcome.ok) {
        notes.push(`batch ${run.batch}: failed (${outcome.reason})`);
        continue;
      }
      const result = outcome.result as { samplesPerSecond: number[]; torch: string; threads: number; peakRssMiB: number };
      threads = result.threads;
      notes.push(`batch ${run.batch}: peak RSS of the Python process ${result.peakRssMiB.toFixed(0)} MiB`);
      figures.push(figureOf(`PyTorch ${result.torch} eager, batch ${run.batch}, history ${run.history}`, 'samples/s', result.samplesPerSecond, `pytorch-fine-tune-${run.batch}`));
    }
    return {
      figures,
      ratios: [],
      peakRssLabel: "Peak RSS of the Node.js process that starts Python (the Python process's own peak RSS is in the notes)",
      notes: [
        ...notes,
        `as in the authors' code, every history entry and candidate goes through the whole PLM each step, titles padded to 30 tokens, dropout on; frozen layers need no gradient but run under autograd`,
        `PyTorch uses ${threads} threads (every core); our wasm backend splits matrix products across the threads of \`threads: auto\``,
      ],
    };
  },
};
