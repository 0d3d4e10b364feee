import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CommandIO } from '../run/Logger.ts';
import { UsageError } from './UsageError.ts';

export const INIT_HELP = `Usage: experiment init [FILE] [--force]

Writes a commented starter recipe to FILE (default: recipe.yaml): the
Tiny-NewsRec graph at quickstart size on a generated dataset, so that
'experiment run FILE' works at once (a few minutes on 2 CPU cores). The
comments show where to point it at MIND and a Hugging Face checkpoint.

Options:
      --force  Overwrite FILE when it exists
  -h, --help   Show this help

Examples:
  experiment init
  experiment init experiments/my-study.yaml && experiment validate experiments/my-study.yaml
`;

const STARTER_RECIPE = `# A starter Tiny-NewsRec recipe. Run it with: experiment run <this file>
# 'experiment components' lists every component type and its settings, with defaults.
name: my-experiment
seed: 7             # every random choice of the run follows from this seed
backend: auto       # tensorflow-gpu, tensorflow, wasm or cpu, whichever loads first

# A small generated MIND-format dataset. For real MIND, use:
#   data: { type: mind, train: /data/MINDsmall_train, dev: /data/MINDsmall_dev }
data:
  type: synthetic-mind
  news: 600
  users: 300
  trainImpressions: 1500
  devImpressions: 300

models:
  teacher:
    # With a Hugging Face checkpoint: tokenizer: { type: wordpiece, checkpoint: /models/bert-base-uncased }
    tokenizer: { type: wordpiece, build: { vocabularySize: 2000 } }
    newsEncoder:
      type: plm
      # With a checkpoint: backbone: { type: bert, checkpoint: /models/bert-base-uncased }
      backbone: { type: bert, hiddenSize: 64, layers: 4, heads: 4, intermediateSize: 128 }
      pooling: { type: additive-attention, queryVectorSize: 32 }
      outputSize: 64                 # news vector size (the authors use 256)
    userEncoder: { type: additive-attention, queryVectorSize: 32 }
    clickPredictor: { type: dot }
  student:
    tokenizer: { type: wordpiece, build: { vocabularySize: 2000 } }
    newsEncoder:
      type: plm
      # A student keeps the first layers of a checkpoint: { type: bert, checkpoint: ..., layers: 2 }
      backbone: { type: bert, hiddenSize: 32, layers: 1, heads: 2, intermediateSize: 64 }
      pooling: { type: additive-attention, queryVectorSize: 32 }
      outputSize: 64
    userEncoder: { type: additive-attention, queryVectorSize: 32 }
    clickPredictor: { type: dot }

# Stages run in dependency order; 'stage.output' refers to an earlier stage's output.
stages:
  post-train:                        # domain-specific post-training; keeps M teacher snapshots
    type: post-train
    model: teacher
    bodyLength: 48                   # abstract tokens (the authors use 512)
    trainableLayers: 4
    trainEmbeddings: true
    optimizer: { type: adam, learningRate: 0.001 }
    snapshots: { count: 2, after: 30, every: 10 }   # M = 2 snapshots, at steps 40 and 50
  distill-post-train:                # stage-1 distillation into the student
    type: distill-post-train
    student: student
    teachers: post-train.snapshots
    steps: 40
    bodyLength: 48
    trainableLayers: 1
    trainEmbeddings: true
    optimizer: { type: adam, learningRate: 0.001 }
  fine-tune-teachers:                # each snapshot fine-tuned on click prediction
    type: fine-tune
    models: post-train.snapshots
    epochs: 1
    historyLength: 20                # clicked news per user (the authors use 50)
    trainableLayers: 4
    trainEmbeddings: true
    optimizer: { type: adam, learningRate: 0.001 }
  distill-fine-tune:                 # stage-2 distillation
    type: distill-fine-tune
    student: distill-post-train.model
    teachers: fine-tune-teachers.models
    epochs: 1
    historyLength: 20
    trainableLayers: 1
    trainEmbeddings: true
    optimizer: { type: adam, learningRate: 0.001 }
  evaluate:                          # AUC, MRR, nDCG@5, nDCG@10 on dev, plus efficiency
    type: evaluate
    models: [distill-fine-tune.model, fine-tune-teachers.models]
    historyLength: 20
`;

/** `experiment init`: writes a commented starter recipe. */
export async function initCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, force: { type: 'boolean' } },
  });
  if (values.help === true) {
    io.stdout.write(INIT_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`init: expected at most one file, got ${positionals.length}; see 'experiment init --help'`);
  }
  const file = positionals[0] ?? 'recipe.yaml';
  if (existsSync(file) && values.force !== true) {
    throw new UsageError(`init: ${file} exists; pass --force to overwrite it or name another file`);
  }
  await writeFile(file, STARTER_RECIPE);
  io.stdout.write(`wrote ${file}; check it with 'experiment validate ${file}' and run it with 'experiment run ${file}'\n`);
  return 0;
}
