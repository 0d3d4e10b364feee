import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../random/Random.ts';

/** Sizes and seed of a generated MIND-format dataset. */
export interface SyntheticMindOptions {
  readonly news: number;
  readonly users: number;
  readonly trainImpressions: number;
  readonly devImpressions: number;
  readonly testImpressions: number;
  /** Maximum number of clicks in a user's history (the minimum is 0). */
  readonly maxHistory: number;
  readonly seed: number;
}

/** Category names borrowed from MIND so that generated data reads like it. */
const CATEGORIES = ['news', 'sports', 'finance', 'lifestyle', 'health', 'travel', 'foodanddrink', 'autos', 'movies', 'weather'];
const SUBCATEGORIES_PER_CATEGORY = 3;
const COMMON_WORDS = 80;
const CATEGORY_WORDS = 30;
const SUBCATEGORY_WORDS = 15;
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sa', 'tor', 'vi', 'de', 'nu', 'pal', 'qui', 'ber', 'zan', 'fo', 'gel', 'hu', 'jas', 'mon', 'tri', 'wel'];
/** Share of empty abstracts, close to MIND-small's share (about 5%). */
const EMPTY_ABSTRACT_RATE = 0.05;

interface Topic {
  readonly category: number;
  readonly subcategory: number;
}

interface SyntheticUser {
  readonly id: string;
  readonly categories: Set<number>;
  readonly subcategories: Set<number>;
  readonly history: string[];
}

/**
 * Writes a small MIND-format dataset (train/, dev/ and, when asked, test/ with
 * news.tsv and behaviors.tsv) under `directory`. Topics are learnable from text:
 * each category and subcategory has its own pool of made-up words, and titles
 * and abstracts mix those words with common ones. Users have hidden interests
 * in one or two categories, and their histories and clicks favour those
 * interests. A ranker that matches candidate and history topics therefore
 * beats a random one.
 * The same options always produce the same files.
 */
export async function generateSyntheticMind(directory: string, options: SyntheticMindOptions): Promise<void> {
  const random = new Random(options.seed);
  const words = makeWords(random.fork('words'), COMMON_WORDS + CATEGORIES.length * (CATEGORY_WORDS + SUBCATEGORIES_PER_CATEGORY * SUBCATEGORY_WORDS));
  const commonWords = words.splice(0, COMMON_WORDS);
  const categoryWords = CATEGORIES.map(() => words.splice(0, CATEGORY_WORDS));
  const subcategoryWords = CATEGORIES.flatMap(() => Array.from({ length: SUBCATEGORIES_PER_CATEGORY }, () => words.splice(0, SUBCATEGORY_WORDS)));

  const newsRandom = random.fork('news');
  const topics: Topic[] = [];
  const newsLines: string[] = [];
  for (let i = 0; i < options.news; i++) {
    const category = newsRandom.int(CATEGORIES.length);
    const subcategory = category * SUBCATEGORIES_PER_CATEGORY + newsRandom.int(SUBCATEGORIES_PER_CATEGORY);
    topics.push({ category, subcategory });
    const pools = [commonWords, categoryWords[category] as string[], subcategoryWords[subcategory] as string[]];
    const title = capitalise(makeText(newsRandom, pools, 6 + newsRandom.int(7)));
    const abstract = newsRandom.next() < EMPTY_ABSTRACT_RATE ? '' : `${capitalise(makeText(newsRandom, pools, 15 + newsRandom.int(16)))}.`;
    const categoryName = CATEGORIES[category] as string;
    const subcategoryName = `${categoryName}${subcategory % SUBCATEGORIES_PER_CATEGORY + 1}`;
    newsLines.push([newsId(i), categoryName, subcategoryName, title, abstract, '', '[]', '[]'].join('\t'));
  }
  const newsByCategory = CATEGORIES.map((_, category) => topics.flatMap((topic, i) => (topic.category === category ? [i] : [])));

  const userRandom = random.fork('users');
  const users: SyntheticUser[] = [];
  for (let u = 0; u < options.users; u++) {
    const categories = new Set<number>();
    const interestCount = 1 + userRandom.int(2);
    while (categories.size < interestCount) {
      categories.add(userRandom.int(CATEGORIES.length));
    }
    const subcategories = new Set([...categories].map((category) => category * SUBCATEGORIES_PER_CATEGORY + userRandom.int(SUBCATEGORIES_PER_CATEGORY)));
    const user = { id: `U${u + 1}`, categories, subcategories, history: [] as string[] };
    const historyLength = userRandom.int(options.maxHistory + 1);
    for (let h = 0; h < historyLength; h++) {
      user.history.push(newsId(pickNews(userRandom, user, topics, newsByCategory, 0.9)));
    }
    users.push(user);
  }

  const splits: [string, number, number, boolean][] = [
    ['train', options.trainImpressions, Date.UTC(2019, 10, 9), true],
    ['dev', options.devImpressions, Date.UTC(2019, 10, 14), true],
  ];
  if (options.testImpressions > 0) {
    splits.push(['test', options.testImpressions, Date.UTC(2019, 10, 15), false]);
  }
  let impressionId = 0;
  for (const [name, count, start, labelled] of splits) {
    const splitDirectory = join(directory, name);
    await mkdir(splitDirectory, { recursive: true });
    await writeFile(join(splitDirectory, 'news.tsv'), `${newsLines.join('\n')}\n`);
    const impressionRandom = random.fork(name);
    // Train spreads over five days like MIND's training week; dev and test cover one day each.
    const span = (name === 'train' ? 5 : 1) * 86_400_000;
    const rows = (function* (): Generator<string> {
      for (let i = 0; i < count; i++) {
        const user = users[impressionRandom.int(users.length)] as SyntheticUser;
        const time = new Date(start + Math.floor((span * (i + impressionRandom.next())) / count));
        const candidates = makeCandidates(impressionRandom, user, topics, newsByCategory, labelled);
        impressionId += 1;
        yield `${impressionId}\t${user.id}\t${formatMindTime(time)}\t${user.history.join(' ')}\t${candidates}\n`;
      }
    })();
    await writeLines(join(splitDirectory, 'behaviors.tsv'), rows);
  }
}

/** Formats a time the way MIND's behaviors.tsv does: `11/15/2019 8:55:22 AM`. */
export function formatMindTime(time: Date): string {
  const hour = time.getUTCHours();
  const clock = [hour % 12 === 0 ? 12 : hour % 12, pad2(time.getUTCMinutes()), pad2(time.getUTCSeconds())].join(':');
  return `${time.getUTCMonth() + 1}/${time.getUTCDate()}/${time.getUTCFullYear()} ${clock} ${hour < 12 ? 'AM' : 'PM'}`;
}

/** 10 to 30 candidates with 1 to 3 clicks, the clicks drawn with a strong bias to the user's interests. */
function makeCandidates(random: Random, user: SyntheticUser, topics: Topic[], newsByCategory: number[][], labelled: boolean): string {
  const count = 10 + random.int(21);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, topics.length)) {
    chosen.add(pickNews(random, user, topics, newsByCategory, 0.3));
  }
  const candidates = [...chosen];
  const clicks = new Set<number>();
  const clickCount = Math.min(1 + random.int(3), candidates.length - 1);
  while (clicks.size < clickCount) {
    const weights = candidates.map((news, position) => (clicks.has(position) ? 0 : interestWeight(user, topics[news] as Topic)));
    clicks.add(drawWeighted(random, weights));
  }
  return candidates
    .map((news, position) => (labelled ? `${newsId(news)}-${clicks.has(position) ? 1 : 0}` : newsId(news)))
    .join(' ');
}

/** Relative click propensity: strongest for the user's subcategories, weak outside their categories. */
function interestWeight(user: SyntheticUser, topic: Topic): number {
  if (user.subcategories.has(topic.subcategory)) {
    return 10;
  }
  return user.categories.has(topic.category) ? 3 : 0.1;
}

/** Picks a news index from one of the user's categories with probability `interestShare`, otherwise uniformly. */
function pickNews(random: Random, user: SyntheticUser, topics: Topic[], newsByCategory: number[][], interestShare: number): number {
  if (random.next() < interestShare) {
    const interests = [...user.categories];
    const pool = newsByCategory[interests[random.int(interests.length)] as number] as number[];
    if (pool.length > 0) {
      return pool[random.int(pool.length)] as number;
    }
  }
  return random.int(topics.length);
}

function drawWeighted(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let remaining = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    remaining -= weights[i] as number;
    if (remaining < 0) {
      return i;
    }
  }
  // Floating-point rounding can leave a tiny remainder: fall back to the last drawable index.
  let last = weights.length - 1;
  while (last > 0 && (weights[last] as number) <= 0) {
    last -= 1;
  }
  return last;
}

/** Distinct pronounceable made-up words of two to four syllables. */
function makeWords(random: Random, count: number): string[] {
  const words = new Set<string>();
  while (words.size < count) {
    const syllables = 2 + random.int(3);
    let word = '';
    for (let s = 0; s < syllables; s++) {
      word += SYLLABLES[random.int(SYLLABLES.length)];
    }
    words.add(word);
  }
  return [...words];
}

/** Words drawn from the common, category and subcategory pools in the ratio 3:3:4. */
function makeText(random: Random, pools: readonly string[][], length: number): string {
  const words: string[] = [];
  for (let i = 0; i < length; i++) {
    const draw = random.next();
    let pool = pools[2] as string[];
    if (draw < 0.3) {
      pool = pools[0] as string[];
    } else if (draw < 0.6) {
      pool = pools[1] as string[];
    }
    words.push(pool[random.int(pool.length)] as string);
  }
  return words.join(' ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function newsId(index: number): string {
  return `N${index + 1}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Writes lines through a file stream, waiting for 'drain' whenever the stream signals back-pressure. */
async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const stream = createWriteStream(file, { encoding: 'utf8' });
  for (const line of lines) {
    if (!stream.write(line)) {
      await once(stream, 'drain');
    }
  }
  stream.end();
  await once(stream, 'finish');
}
