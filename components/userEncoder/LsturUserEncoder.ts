import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import { UserIndex } from '../../framework/model/UserIndex.ts';
import type { Random } from '../../framework/random/Random.ts';
import { prefixWeights } from '../attention/DenseLayer.ts';
import { EmbeddingTable } from '../embedding/EmbeddingTable.ts';
import { GruLayer } from './GruLayer.ts';
import type { LsturUserSettings } from './lstur.ts';
import type { UserEncoder, UserEncoderContext } from './UserEncoder.ts';

/**
 * The LSTUR user encoder (An et al., ACL 2019): a GRU over the clicked news
 * vectors gives the short-term representation, a user-ID embedding the
 * long-term one. `ini` starts the GRU from the user embedding; `con`
 * concatenates the GRU's last state with it. While training, the user
 * embedding of each sample is replaced by zeros with probability
 * `maskProbability`; users the index has not seen always get zeros.
 */
export class LsturUserEncoder implements UserEncoder {
  readonly readsUserIds = true;

  private constructor(
    private readonly settings: LsturUserSettings,
    private readonly users: EmbeddingTable,
    private readonly gru: GruLayer,
    private readonly random: Random,
  ) {}

  static async create(settings: LsturUserSettings, context: UserEncoderContext): Promise<LsturUserEncoder> {
    if (context.users === undefined) {
      throw new Error('user encoder lstur needs the index of training users, which this model builder does not provide');
    }
    const index = await context.users();
    const { newsSize, random } = context;
    let userSize = newsSize;
    let gruSize = newsSize;
    if (settings.mode === 'con') {
      userSize = settings.userEmbeddingSize > 0 ? settings.userEmbeddingSize : Math.floor(newsSize / 2);
      gruSize = newsSize - userSize;
      if (gruSize < 1) {
        throw new Error(`user encoder lstur: userEmbeddingSize ${userSize} leaves no GRU units, because news vectors have ${newsSize} values; set it below ${newsSize}`);
      }
    }
    return new LsturUserEncoder(
      settings,
      EmbeddingTable.random(index.size, userSize, random.fork('users')),
      GruLayer.create(newsSize, gruSize, random.fork('gru')),
      random.fork('mask'),
    );
  }

  encode(history: tf.Tensor3D, mask: tf.Tensor2D, training: boolean, users?: tf.Tensor1D): tf.Tensor2D {
    if (users === undefined) {
      throw new Error('user encoder lstur needs the user index of every sample');
    }
    return tf.tidy(() => {
      const batch = history.shape[0];
      let keep = tf.cast(tf.notEqual(users, UserIndex.UNKNOWN), 'float32');
      if (training && this.settings.maskProbability > 0) {
        const drawn = tf.randomUniform([batch], 0, 1, 'float32', this.random.seed());
        keep = tf.mul(keep, tf.cast(tf.greaterEqual(drawn, this.settings.maskProbability), 'float32'));
      }
      const longTerm = tf.mul(this.users.apply<tf.Tensor2D>(users), tf.expandDims(keep, 1)) as tf.Tensor2D;
      if (this.settings.mode === 'ini') {
        return this.gru.apply(history, mask, longTerm);
      }
      const shortTerm = this.gru.apply(history, mask, tf.zeros([batch, this.gru.hiddenSize]));
      return tf.concat([shortTerm, longTerm], 1);
    });
  }

  weights(): NamedWeight[] {
    return [...prefixWeights('user_embeddings', this.users.weights()), ...prefixWeights('gru', this.gru.weights())];
  }

  trainableWeights(): NamedWeight[] {
    return this.weights();
  }

  clone(): LsturUserEncoder {
    return new LsturUserEncoder(this.settings, this.users.clone(), this.gru.clone(), this.random.fork('clone'));
  }

  dispose(): void {
    this.users.dispose();
    this.gru.dispose();
  }
}
