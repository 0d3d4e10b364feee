import * as tf from '@tensorflow/tfjs';
import { distinctRows, type RowEncoder } from './encodeNews.ts';

/**
 * A batch of the title/body task of domain-specific post-training: each anchor
 * is an article's body (abstract), scored against its own title (first) and
 * `negatives` titles of other articles.
 */
export interface ContrastiveBatch {
  readonly size: number;
  /** Titles per anchor: 1 + negatives. */
  readonly titleCount: number;
  /** Corpus rows of the anchors' bodies [size]. */
  readonly anchors: Int32Array;
  /** Corpus rows of the titles [size, titleCount], own title first. */
  readonly titles: Int32Array;
}

/** Outputs of the title/body task for one model. */
export interface ContrastiveForward {
  /** Dot products of body and title vectors [size, titleCount]; the positive is column 0. */
  readonly scores: tf.Tensor2D;
  /** Body vectors h_body [size, newsSize]. */
  readonly bodies: tf.Tensor2D;
  /** Own-title vectors h_title [size, newsSize]. */
  readonly ownTitles: tf.Tensor2D;
}

/** Runs the title/body task, encoding each distinct title of the batch once. Must run inside tf.tidy or a gradient function. */
export function contrastiveForward(
  encodeTitles: RowEncoder,
  encodeBodies: RowEncoder,
  batch: ContrastiveBatch,
  training: boolean,
): ContrastiveForward {
  const bodies = encodeBodies(Array.from(batch.anchors), training);
  const { distinct, positions } = distinctRows(batch.titles);
  const titleVectors = encodeTitles(distinct, training);
  return scoreContrastive(bodies, titleVectors, positions, batch);
}

/** The same task from vectors computed elsewhere: titleVectors holds one row per distinct title of `positions`. */
export function scoreContrastive(
  bodies: tf.Tensor2D,
  titleVectors: tf.Tensor2D,
  positions: Int32Array,
  batch: ContrastiveBatch,
): ContrastiveForward {
  const size = bodies.shape[1];
  const titles = tf.reshape(tf.gather(titleVectors, tf.tensor1d(positions, 'int32')), [
    batch.size,
    batch.titleCount,
    size,
  ]) as tf.Tensor3D;
  const scores = tf.sum(tf.mul(titles, tf.expandDims(bodies, 1)), 2) as tf.Tensor2D;
  const ownTitles = tf.reshape(tf.slice(titles, [0, 0, 0], [batch.size, 1, size]), [batch.size, size]) as tf.Tensor2D;
  return { scores, bodies, ownTitles };
}
