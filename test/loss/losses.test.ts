import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { embeddingAlignmentLoss } from '../../components/loss/embeddingAlignment.ts';
import { infonceLoss } from '../../components/loss/infonce.ts';
import type { EmbeddingAlignmentLoss } from '../../components/loss/Loss.ts';
import { softmaxCrossEntropyLoss } from '../../components/loss/softmaxCrossEntropy.ts';
import { softTargetLoss } from '../../components/loss/softTarget.ts';
import { lossBasedWeighting } from '../../components/teacherWeighting/lossBased.ts';
import { uniformWeighting } from '../../components/teacherWeighting/uniform.ts';
import { Random } from '../../framework/random/Random.ts';

/** Values computed by scripts/reference/losses_reference.py with numpy. */
const reference = JSON.parse(readFileSync(new URL('../fixtures/losses/losses.json', import.meta.url), 'utf8'));

const LN2 = Math.log(2);
const LN3 = Math.log(3);

function values(tensor: tf.Tensor): number[] {
  const data = Array.from(tensor.dataSync());
  tensor.dispose();
  return data;
}

function scalar(tensor: tf.Tensor): number {
  return values(tensor)[0] as number;
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 5));
}

function mean(numbers: number[]): number {
  return numbers.reduce((sum, value) => sum + value, 0) / numbers.length;
}

for (const backend of ['cpu', 'wasm']) {
  describe(`losses on the ${backend} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });

    it('infonce matches hand values', async () => {
      const loss = await infonceLoss.create({ coef: 1 }, {});
      // Scores [0, 0] and [1, 0, 0] by hand: -log(1/2) = ln 2 and -log(e / (e + 2)) = ln(e + 2) - 1.
      expectClose(values(loss.perSample(tf.tensor2d([[0, 0]]), tf.tensor1d([0], 'int32'))), [LN2]);
      expectClose(values(loss.perSample(tf.tensor2d([[1, 0, 0]]), tf.tensor1d([0], 'int32'))), [Math.log(Math.E + 2) - 1]);
    });

    it('infonce matches the numpy reference', async () => {
      const loss = await infonceLoss.create({ coef: 0.5 }, {});
      const scores = tf.tensor2d(reference.infonce.scores);
      const labels = tf.zeros([3], 'int32') as tf.Tensor1D;
      expectClose(values(loss.perSample(scores, labels)), reference.infonce.perSample);
      expect(scalar(loss.compute(scores, labels))).toBeCloseTo(0.5 * mean(reference.infonce.perSample), 5);
    });

    it('infonce averages over unmasked samples', async () => {
      const loss = await infonceLoss.create({ coef: 1 }, {});
      // Rows [0, 0, 0] (loss ln 3) and [5, 0, 0], the second masked: the mean is ln 3 alone.
      const scores = tf.tensor2d([[0, 0, 0], [5, 0, 0]]);
      const perSample = values(loss.perSample(scores, tf.zeros([2], 'int32') as tf.Tensor1D));
      expect(perSample[0]).toBeCloseTo(LN3, 6);
      const masked = loss.compute(scores, tf.zeros([2], 'int32') as tf.Tensor1D, tf.tensor1d([1, 0]));
      expect(scalar(masked)).toBeCloseTo(LN3, 6);
      const allMasked = loss.compute(scores, tf.zeros([2], 'int32') as tf.Tensor1D, tf.tensor1d([0, 0]));
      expect(scalar(allMasked)).toBe(0);
    });

    it('softmax cross-entropy matches hand and reference values', async () => {
      const loss = await softmaxCrossEntropyLoss.create({ coef: 0.2 }, {});
      // Logits [0, ln 3] with label 1: softmax = [1/4, 3/4], so -log(3/4) = ln 4 - ln 3.
      expectClose(values(loss.perSample(tf.tensor2d([[0, LN3]]), tf.tensor1d([1], 'int32'))), [2 * LN2 - LN3]);
      const { logits, labels, perSample } = reference.softmaxCrossEntropy;
      const logitsTensor = tf.tensor2d(logits);
      const labelsTensor = tf.tensor1d(labels, 'int32');
      expectClose(values(loss.perSample(logitsTensor, labelsTensor)), perSample);
      expect(scalar(loss.compute(logitsTensor, labelsTensor))).toBeCloseTo(0.2 * mean(perSample), 5);
    });

    it('soft-target matches hand values', async () => {
      const loss = await softTargetLoss.create({ coef: 1, temperature: 1, scaleByTemperatureSquared: false }, {});
      // Teacher [ln 3, 0] gives target [3/4, 1/4]; student [0, 0] gives log-probabilities [-ln 2, -ln 2]: CE = ln 2.
      expectClose(values(loss.perSample(tf.tensor2d([[LN3, 0]]), tf.tensor2d([[0, 0]]))), [LN2]);
      // Student equal to the teacher: CE is the target's entropy, -(3/4 ln 3/4 + 1/4 ln 1/4).
      const entropy = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
      expectClose(values(loss.perSample(tf.tensor2d([[LN3, 0]]), tf.tensor2d([[LN3, 0]]))), [entropy]);
    });

    it('soft-target applies the T^2 switch', async () => {
      const { teacher, student, temperature, perSample, perSampleScaled } = reference.softTarget;
      const plain = await softTargetLoss.create({ coef: 1, temperature, scaleByTemperatureSquared: false }, {});
      const scaled = await softTargetLoss.create({ coef: 0.5, temperature, scaleByTemperatureSquared: true }, {});
      const teacherTensor = tf.tensor2d(teacher);
      const studentTensor = tf.tensor2d(student);
      expectClose(values(plain.perSample(teacherTensor, studentTensor)), perSample);
      expectClose(values(scaled.perSample(teacherTensor, studentTensor)), perSampleScaled);
      // T = 2, so the switch multiplies by exactly 4; coef 0.5 then halves the mean.
      expect(scalar(scaled.compute(teacherTensor, studentTensor))).toBeCloseTo(0.5 * 4 * mean(perSample), 5);
    });

    it('embedding-alignment matches the reference with weights', async () => {
      const { teachers, maps, student, weights, perSample } = reference.embeddingAlignment;
      const loss = await embeddingAlignmentLoss.create({ coef: 2 }, { teacherSizes: [3, 2], studentSize: 2, random: new Random(1) });
      setMaps(loss, maps);
      const teacherTensors = teachers.map((rows: number[][]) => tf.tensor2d(rows));
      const studentTensor = tf.tensor2d(student);
      const weightTensor = tf.tensor2d(weights);
      // Second sample by hand, where only the first teacher has weight: W t + b = [0.8, 0.7] against [-0.3, 0.6] gives (1.1^2 + 0.1^2) / 2 = 0.61.
      expectClose(values(loss.perSample(teacherTensors, studentTensor, weightTensor)), perSample);
      expect(perSample[1]).toBeCloseTo(0.61, 12);
      expect(scalar(loss.compute(teacherTensors, studentTensor, weightTensor))).toBeCloseTo(2 * mean(perSample), 5);
      expect(scalar(loss.compute(teacherTensors, studentTensor, weightTensor, tf.tensor1d([0, 1])))).toBeCloseTo(2 * 0.61, 5);
      loss.dispose();
    });

    it('loss-based weighting matches the reference', async () => {
      const weighting = await lossBasedWeighting.create({}, {});
      const { teacherLogits, labels, weights } = reference.lossBasedWeighting;
      const result = weighting.weights(
        teacherLogits.map((rows: number[][]) => tf.tensor2d(rows)),
        tf.tensor1d(labels, 'int32'),
      );
      expectClose(values(result), weights.flat());
    });

    it('loss-based weighting of two teachers by hand', async () => {
      const weighting = await lossBasedWeighting.create({}, {});
      // CE of [ln 3, 0] on label 0 is ln(4/3), of [0, 0] is ln 2. softmax(-CE) = [3/4, 1/2] / (5/4) = [0.6, 0.4].
      const result = weighting.weights([tf.tensor2d([[LN3, 0]]), tf.tensor2d([[0, 0]])], tf.tensor1d([0], 'int32'));
      expectClose(values(result), [0.6, 0.4]);
    });

    it('uniform weighting gives 1/M', async () => {
      const weighting = await uniformWeighting.create({}, {});
      const result = weighting.weights([tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([2, 3])] as tf.Tensor2D[], tf.tensor1d([0, 1], 'int32'));
      expect(result.shape).toEqual([2, 3]);
      expectClose(values(result), new Array<number>(6).fill(1 / 3));
    });
  });
}

describe('loss gradients', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('infonce gradient is softmax minus the one-hot target', async () => {
    const loss = await infonceLoss.create({ coef: 1 }, {});
    // d/ds of -log softmax(s)[0] = softmax(s) - e_0; for s = [0, 0, 0]: [-2/3, 1/3, 1/3].
    const gradient = tf.grad((scores: tf.Tensor) => loss.compute(scores as tf.Tensor2D, tf.zeros([1], 'int32') as tf.Tensor1D))(
      tf.tensor2d([[0, 0, 0]]),
    );
    expectClose(values(gradient), [-2 / 3, 1 / 3, 1 / 3]);
  });

  it('embedding-alignment trains its maps', async () => {
    const loss = (await embeddingAlignmentLoss.create(
      { coef: 1 },
      { teacherSizes: [4], studentSize: 3, random: new Random(2) },
    )) as EmbeddingAlignmentLoss;
    expect(loss.trainableWeights().map((weight) => weight.name)).toEqual(['0.weight', '0.bias']);
    expect(loss.trainableWeights().map((weight) => weight.variable.shape)).toEqual([[3, 4], [3]]);
    const teacher = tf.tensor2d([[1, 0, -1, 2]]);
    const student = tf.tensor2d([[0.5, -0.5, 1]]);
    const weights = tf.ones([1, 1]) as tf.Tensor2D;
    const { grads } = tf.variableGrads(() => loss.compute([teacher], student, weights));
    expect(Object.keys(grads)).toHaveLength(2);
    tf.dispose(Object.values(grads));
    loss.dispose();
  });

  it('embedding-alignment rejects a missing context', async () => {
    await expect(embeddingAlignmentLoss.create({ coef: 1 }, {})).rejects.toThrow(
      'embedding-alignment needs teacherSizes, studentSize and random from the stage that creates it',
    );
  });
});

/** Overwrites the linear maps with fixed values from the reference. */
function setMaps(loss: EmbeddingAlignmentLoss, maps: { weight: number[][]; bias: number[] }[]): void {
  const byName = new Map(loss.weights().map((weight) => [weight.name, weight.variable]));
  maps.forEach((map, index) => {
    byName.get(`${index}.weight`)?.assign(tf.tensor2d(map.weight));
    byName.get(`${index}.bias`)?.assign(tf.tensor1d(map.bias));
  });
}
