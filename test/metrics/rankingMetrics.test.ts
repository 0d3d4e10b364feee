import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MetricAccumulator } from '../../framework/metrics/MetricAccumulator.ts';
import { auc, mrr, ndcg } from '../../framework/metrics/rankingMetrics.ts';

/** Expected values from scripts/reference/metrics_reference.py (sklearn roc_auc_score and the MIND evaluation formulas). */
interface ReferenceImpression {
  name: string;
  labels: number[];
  scores: number[];
  skipped: boolean;
  auc?: number;
  mrr?: number;
  ndcg5?: number;
  ndcg10?: number;
}

const reference = JSON.parse(readFileSync(new URL('../fixtures/metrics/impressions.json', import.meta.url), 'utf8')) as {
  impressions: ReferenceImpression[];
  mean: { auc: number; mrr: number; ndcg5: number; ndcg10: number };
  counted: number;
  skipped: number;
};

describe('ranking metrics against the reference', () => {
  for (const impression of reference.impressions.filter((row) => !row.skipped)) {
    it(impression.name, () => {
      expect(auc(impression.labels, impression.scores)).toBeCloseTo(impression.auc as number, 12);
      expect(mrr(impression.labels, impression.scores)).toBeCloseTo(impression.mrr as number, 12);
      expect(ndcg(impression.labels, impression.scores, 5)).toBeCloseTo(impression.ndcg5 as number, 12);
      expect(ndcg(impression.labels, impression.scores, 10)).toBeCloseTo(impression.ndcg10 as number, 12);
    });
  }
});

describe('MetricAccumulator', () => {
  it('averages like the reference and counts skips', () => {
    const accumulator = new MetricAccumulator();
    for (const impression of reference.impressions) {
      expect(accumulator.add(impression.labels, impression.scores)).toBe(!impression.skipped);
    }
    const result = accumulator.result();
    expect(result.auc).toBeCloseTo(reference.mean.auc, 12);
    expect(result.mrr).toBeCloseTo(reference.mean.mrr, 12);
    expect(result.ndcg5).toBeCloseTo(reference.mean.ndcg5, 12);
    expect(result.ndcg10).toBeCloseTo(reference.mean.ndcg10, 12);
    expect(result.impressions).toBe(reference.counted);
    expect(result.skipped).toBe(2);
  });

  it('returns NaN before any impression', () => {
    const result = new MetricAccumulator().result();
    expect(result.auc).toBeNaN();
    expect(result.impressions).toBe(0);
  });

  it('rejects labels other than 0 and 1', () => {
    expect(() => new MetricAccumulator().add([0, 2], [0.1, 0.2])).toThrow('labels must be 0 or 1, got 2 at position 1');
  });

  it('rejects mismatched lengths', () => {
    expect(() => auc([0, 1], [0.1])).toThrow('labels and scores must have the same length, got 2 labels and 1 scores');
  });
});
