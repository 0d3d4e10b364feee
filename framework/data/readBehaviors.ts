import { MindFormatError } from './MindFormatError.ts';
import { readTsvLines } from './readTsvLines.ts';

/** A candidate shown in an impression; `label` is 1 for a click, 0 for a skip, absent in test splits. */
export interface Candidate {
  readonly newsId: string;
  readonly label?: 0 | 1;
}

/** One row of a MIND `behaviors.tsv`. */
export interface Impression {
  readonly id: string;
  readonly userId: string;
  /** The logged clock time, read as UTC because MIND records no time zone. */
  readonly time: Date;
  /** Clicked news ids before the impression, oldest first; empty for new users. */
  readonly history: string[];
  readonly candidates: Candidate[];
  /** 1-based line number in the file, for messages. */
  readonly line: number;
}

export interface ReadBehaviorsOptions {
  /**
   * When given, every history and candidate news id must satisfy it (e.g. be in
   * the news table); an unknown id raises MindFormatError.
   */
  readonly isKnownNews?: (newsId: string) => boolean;
}

const BEHAVIOR_FIELD_COUNT = 5;

// MIND writes times as `11/15/2019 8:55:22 AM`: month/day/year, 12-hour clock.
const TIME_PATTERN = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/;

/**
 * Streams the impressions of a MIND `behaviors.tsv`, one row at a time. Raises
 * MindFormatError on a wrong field count, a bad time, an empty candidate list,
 * a label other than 0 or 1, labelled and unlabelled candidates mixed in one
 * row, or (with `isKnownNews`) an unknown news id.
 */
export async function* readBehaviors(file: string, options: ReadBehaviorsOptions = {}): AsyncGenerator<Impression> {
  for await (const { line, fields, text } of readTsvLines(file)) {
    if (fields.length !== BEHAVIOR_FIELD_COUNT) {
      throw new MindFormatError(file, line, 'row', text, `must have ${BEHAVIOR_FIELD_COUNT} tab-separated fields, has ${fields.length}`);
    }
    const [id, userId, timeText, historyText, candidatesText] = fields as [string, string, string, string, string];
    const time = parseMindTime(timeText);
    if (time === undefined) {
      throw new MindFormatError(file, line, 'time', timeText, "must look like '11/15/2019 8:55:22 AM'");
    }
    const history = splitIds(historyText);
    const candidates = splitIds(candidatesText).map((text) => parseCandidate(text, file, line));
    if (candidates.length === 0) {
      throw new MindFormatError(file, line, 'impressions', candidatesText, 'must list at least one candidate');
    }
    const labelled = candidates.filter((candidate) => candidate.label !== undefined).length;
    if (labelled !== 0 && labelled !== candidates.length) {
      throw new MindFormatError(file, line, 'impressions', candidatesText, 'must label every candidate or none');
    }
    if (options.isKnownNews !== undefined) {
      checkKnown(history, 'history', options.isKnownNews, file, line);
      checkKnown(candidates.map((candidate) => candidate.newsId), 'impressions', options.isKnownNews, file, line);
    }
    yield { id, userId, time, history, candidates, line };
  }
}

/** Parses a MIND time stamp as UTC; returns undefined when the text or the date is invalid. */
export function parseMindTime(text: string): Date | undefined {
  const match = TIME_PATTERN.exec(text);
  if (match === null) {
    return undefined;
  }
  const [month, day, year, hour12, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (hour12 < 1 || hour12 > 12 || minute > 59 || second > 59) {
    return undefined;
  }
  const hour = (hour12 % 12) + (match[7] === 'PM' ? 12 : 0);
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2/30 over into March; a round trip catches such dates.
  if (time.getUTCMonth() !== month - 1 || time.getUTCDate() !== day) {
    return undefined;
  }
  return time;
}

function splitIds(text: string): string[] {
  return text.split(' ').filter((id) => id.length > 0);
}

function parseCandidate(text: string, file: string, line: number): Candidate {
  const dash = text.lastIndexOf('-');
  if (dash < 0) {
    return { newsId: text };
  }
  const newsId = text.slice(0, dash);
  const label = text.slice(dash + 1);
  if (newsId.length === 0 || (label !== '0' && label !== '1')) {
    throw new MindFormatError(file, line, 'impression label', text, "must be '<news id>-0' or '<news id>-1'");
  }
  return { newsId, label: label === '1' ? 1 : 0 };
}

function checkKnown(ids: readonly string[], field: string, isKnownNews: (newsId: string) => boolean, file: string, line: number): void {
  for (const id of ids) {
    if (!isKnownNews(id)) {
      throw new MindFormatError(file, line, field, id, 'must name a news id from news.tsv');
    }
  }
}
