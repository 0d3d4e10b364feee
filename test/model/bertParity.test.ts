import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BertBackbone } from '../../components/backbone/BertBackbone.ts';
import { createBertBackbone } from '../../components/backbone/createBertBackbone.ts';
import { AdditiveAttentionPooling } from '../../components/pooling/AdditiveAttentionPooling.ts';
import { TokenPooling } from '../../components/pooling/TokenPooling.ts';
import { Random } from '../../framework/random/Random.ts';
import { describeEachBackend } from '../backend/backends.ts';
import { REFERENCE_FIXTURE, requireMiniLm } from './checkpointDirectory.ts';
import { decodeFloats, maxAbsDifference } from './fixtureValues.ts';

interface ModelFixture {
  texts: { newsId: string; field: 'title' | 'abstract' }[];
  batches: { rows: number[]; inputIds: number[][]; attentionMask: number[][] }[];
  hiddenSize: number;
  realLengths: number[];
  stateStride: number;
  states: string;
  firstTextStates: string;
  maskedMean: string;
  attentionPooling: { querySize: number; weights: Record<string, string>; output: string };
}

const fixture = (JSON.parse(readFileSync(REFERENCE_FIXTURE, 'utf8')) as { model: ModelFixture }).model;
const TOLERANCE = 1e-4;

/** Outputs of the framework for every fixture text, in fixture text order. */
interface Outputs {
  /** Real-token states of each text, [realLength * hidden]. */
  states: Float32Array[];
  maskedMean: Float32Array;
  attention: Float32Array;
}

/** Builds an additive-attention pooling with the fixture's seeded weights, because the checkpoint has none. */
function fixturePooling(): AdditiveAttentionPooling {
  const { querySize, weights } = fixture.attentionPooling;
  const pooling = AdditiveAttentionPooling.create(querySize, { inputSize: fixture.hiddenSize, random: new Random(1) });
  for (const { name, variable } of pooling.weights()) {
    const values = weights[name];
    if (values === undefined) throw new Error(`${REFERENCE_FIXTURE}: missing attention pooling weight '${name}'; rerun scripts/reference/bert_reference.py`);
    tf.tidy(() => variable.assign(tf.tensor(decodeFloats(values), variable.shape)));
  }
  return pooling;
}

/** Runs the fixture's padded batches through the backbone and both poolings. */
async function runFixtureBatches(backbone: BertBackbone, attention: AdditiveAttentionPooling): Promise<Outputs> {
  const size = fixture.hiddenSize;
  const count = fixture.texts.length;
  const outputs: Outputs = { states: new Array(count), maskedMean: new Float32Array(count * size), attention: new Float32Array(count * size) };
  const mean = new TokenPooling('mean');
  for (const batch of fixture.batches) {
    const [ids, mask] = [tf.tensor2d(batch.inputIds, undefined, 'int32'), tf.tensor2d(batch.attentionMask, undefined, 'int32')];
    const states = backbone.apply(ids, mask, false);
    const pooledMean = mean.apply(states, mask);
    const pooledAttention = attention.apply(states, mask);
    const [stateValues, meanValues, attentionValues] = await Promise.all([states.data(), pooledMean.data(), pooledAttention.data()]);
    const length = states.shape[1];
    batch.rows.forEach((row, position) => {
      const real = fixture.realLengths[row] as number;
      outputs.states[row] = (stateValues as Float32Array).slice(position * length * size, (position * length + real) * size);
      outputs.maskedMean.set((meanValues as Float32Array).subarray(position * size, (position + 1) * size), row * size);
      outputs.attention.set((attentionValues as Float32Array).subarray(position * size, (position + 1) * size), row * size);
    });
    tf.dispose([ids, mask, states, pooledMean, pooledAttention]);
  }
  return outputs;
}

/** Takes the same subsample of the concatenated real-token states that the reference script stores. */
function strided(states: Float32Array[], stride: number): Float32Array {
  const total = states.reduce((sum, text) => sum + text.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const text of states) {
    all.set(text, offset);
    offset += text.length;
  }
  return all.filter((_, index) => index % stride === 0);
}

it('fixture covers 32 titles and abstracts in padded batches', () => {
  const fields = fixture.texts.map((text) => text.field);
  expect(fields.filter((field) => field === 'title').length).toBeGreaterThanOrEqual(16);
  expect(fields.filter((field) => field === 'abstract').length).toBeGreaterThanOrEqual(16);
  expect(fixture.batches.flatMap((batch) => batch.rows).sort((a, b) => a - b)).toEqual(fixture.texts.map((_, index) => index));
  // Padding is exercised: some row of some batch is shorter than its batch.
  const padded = fixture.batches.some((batch) => batch.attentionMask.some((row) => row.includes(0)));
  expect(padded).toBe(true);
});

describeEachBackend('all-MiniLM-L6-v2 parity', (backend) => {
  let backbone: BertBackbone;
  let attention: AdditiveAttentionPooling;
  let outputs: Outputs;

  beforeAll(async () => {
    backbone = await createBertBackbone(
      { checkpoint: requireMiniLm() },
      { vocabularySize: 30522, random: new Random(1), resolvePath: (path) => path, log: () => {} },
    );
    attention = fixturePooling();
    const started = performance.now();
    outputs = await runFixtureBatches(backbone, attention);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(`${backend}: encoded ${fixture.texts.length} texts in ${fixture.batches.length} padded batches in ${seconds} s`);
  }, 300_000);
  // NOTE: on the cpu backend this took 66 s on a shared 2-core machine (about 40 s of CPU time), because
  // TensorFlow.js's JavaScript matMul ran there at about 0.6 GFLOP/s ([320, 384] x [384, 1536] in 0.65 s).

  afterAll(() => {
    backbone.dispose();
    attention.dispose();
  });

  it('matches transformers last hidden states', () => {
    const sampled = maxAbsDifference(strided(outputs.states, fixture.stateStride), decodeFloats(fixture.states));
    const firstText = maxAbsDifference(outputs.states[0] as Float32Array, decodeFloats(fixture.firstTextStates));
    console.info(`${backend}: max abs difference of last hidden states: ${sampled.toExponential(2)} (every ${fixture.stateStride}th value of all texts), ${firstText.toExponential(2)} (every value of text 0)`);
    expect(sampled).toBeLessThanOrEqual(TOLERANCE);
    expect(firstText).toBeLessThanOrEqual(TOLERANCE);
  });

  it('matches transformers pooled outputs', () => {
    const attentionDifference = maxAbsDifference(outputs.attention, decodeFloats(fixture.attentionPooling.output));
    const meanDifference = maxAbsDifference(outputs.maskedMean, decodeFloats(fixture.maskedMean));
    console.info(`${backend}: max abs difference of additive-attention pooling: ${attentionDifference.toExponential(2)}, of mean pooling: ${meanDifference.toExponential(2)}`);
    expect(attentionDifference).toBeLessThanOrEqual(TOLERANCE);
    expect(meanDifference).toBeLessThanOrEqual(TOLERANCE);
  });
});
