import type { NewsCorpus } from './NewsCorpus.ts';
import { padHistory } from './padHistory.ts';
import type { Impression } from './readBehaviors.ts';

/** An impression prepared for scoring: corpus indices of the candidates and of the padded history. */
export interface EvaluationImpression {
  readonly id: string;
  readonly candidates: number[];
  /** Clicks per candidate; undefined for unlabelled (test) impressions. */
  readonly labels: (0 | 1)[] | undefined;
  /** Corpus indices left-padded with PADDING_NEWS to `historyLength`. */
  readonly history: number[];
  readonly historyMask: number[];
}

/** Converts an impression's news ids to corpus indices and pads its history for scoring. */
export function evaluationImpression(impression: Impression, corpus: NewsCorpus, historyLength: number): EvaluationImpression {
  const history = padHistory(impression.history, corpus, historyLength);
  const labelled = impression.candidates.every((candidate) => candidate.label !== undefined);
  return {
    id: impression.id,
    candidates: impression.candidates.map((candidate) => corpus.requireIndex(candidate.newsId)),
    labels: labelled ? impression.candidates.map((candidate) => candidate.label as 0 | 1) : undefined,
    history: history.news,
    historyMask: history.mask,
  };
}
