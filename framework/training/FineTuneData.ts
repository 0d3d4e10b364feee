import type { MindSplit } from '../../components/dataset/MindDataset.ts';
import type { DataPosition } from '../checkpoint/TrainingCheckpoint.ts';
import type { FineTuneSampleOptions } from '../data/fineTuneSamples.ts';
import type { NewsCorpus } from '../data/NewsCorpus.ts';
import type { UserIndex } from '../model/UserIndex.ts';
import { Random } from '../random/Random.ts';
import { collectFineTuneSamples, countFineTuneSamples, epochBatches, type ClickSampleTable } from './clickBatches.ts';
import type { ClickBatch } from './clickForward.ts';
import { positionedBatchStream, skipBatchStream, type PositionedBatch } from './positionedBatches.ts';
import { streamedEpochBatches } from './streamedClickBatches.ts';

/** The data settings of the fine-tuning stages. */
export interface FineTuneDataSettings extends FineTuneSampleOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Samples in the shuffle buffer of a streamed epoch. With 0, every sample is kept in a ClickSampleTable. */
  readonly shuffleBuffer: number;
}

/** Positioned click batches of every epoch for one trained model, which `skip` moves past a checkpoint's position. */
export interface PositionedClickBatches extends AsyncIterable<PositionedBatch<ClickBatch>> {
  skip(position: Pick<DataPosition, 'epoch' | 'batch'>): Promise<void>;
}

/**
 * The training samples of a fine-tuning stage. With `shuffleBuffer` 0 they
 * are read once into a ClickSampleTable: negatives are drawn once for the
 * stage and each epoch is a full shuffle. Otherwise only their number is
 * counted in a first pass (no sample is stored, no negative drawn), and each
 * epoch streams the split again through a shuffle buffer, drawing new
 * negatives. The count gives the steps per epoch before training starts.
 */
export class FineTuneData {
  private constructor(
    readonly sampleCount: number,
    private readonly settings: FineTuneDataSettings,
    private readonly table: ClickSampleTable | undefined,
    private readonly split: MindSplit,
    private readonly corpus: NewsCorpus,
    private readonly users: UserIndex | undefined,
  ) {}

  /**
   * Reads the samples of a labelled split. The table mode draws its
   * negatives from `random.fork('samples')`, and the streaming mode does not
   * touch `random`.
   */
  static async open(
    split: MindSplit,
    corpus: NewsCorpus,
    random: Random,
    settings: FineTuneDataSettings,
    users?: UserIndex,
  ): Promise<FineTuneData> {
    if (settings.shuffleBuffer > 0) {
      return new FineTuneData(await countFineTuneSamples(split), settings, undefined, split, corpus, users);
    }
    const table = await collectFineTuneSamples(split, corpus, random.fork('samples'), settings, users);
    return new FineTuneData(table.length, settings, table, split, corpus, users);
  }

  /** Describes the samples and where they are kept, for the stage log. */
  describe(): string {
    const where = this.table === undefined ? `streamed through a shuffle buffer of ${this.settings.shuffleBuffer}` : 'in memory';
    return `${this.sampleCount} samples ${where}`;
  }

  /**
   * Returns the batches of every epoch for one model, drawn from `random`.
   * Call it before the model's loop resumes so that the streams it creates
   * are recorded by the stage's RandomLedger in the same order on resume.
   */
  batches(random: Random): PositionedClickBatches {
    const { epochs, batchSize } = this.settings;
    const table = this.table;
    if (table !== undefined) {
      // Table epochs share one random stream, so a resumed stage replays every epoch before the saved one.
      return positioned((firstEpoch) => positionedBatchStream(epochs, () => epochBatches(table, batchSize, random), firstEpoch), false);
    }
    // Epoch e restarts one stream at a seed derived from `random` and e without advancing `random`,
    // so each epoch is independent of the others and a resumed stage reads only the saved epoch again.
    const { split, corpus, settings, users } = this;
    const epochRandom = new Random(0);
    const epochBatchStream = async function* (epoch: number): AsyncGenerator<ClickBatch> {
      epochRandom.currentState = random.derivedSeed(`epoch:${epoch}`);
      yield* streamedEpochBatches(split, corpus, epochRandom, settings, users);
    };
    return positioned((firstEpoch) => positionedBatchStream(epochs, epochBatchStream, firstEpoch), true);
  }
}

/** Wraps a batch stream opener so that `skip` can reopen it at a checkpoint's epoch when epochs are independent. */
function positioned(
  open: (firstEpoch: number) => AsyncGenerator<PositionedBatch<ClickBatch>>,
  independentEpochs: boolean,
): PositionedClickBatches {
  let iterator = open(1);
  return {
    async skip(position) {
      if (position.batch === 0) return;
      if (independentEpochs) iterator = open(position.epoch);
      await skipBatchStream(iterator, position);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
}
