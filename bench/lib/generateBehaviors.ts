import { once } from 'node:events';
import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { Random } from '../../framework/random/Random.ts';

/**
 * Writes a MIND-format behaviors.tsv of `rows` impressions over the given news
 * ids: users with 0 to 50 clicks of history, impressions of 10 to 30
 * candidates with 1 to 3 clicks, like the MIND sample. Seeded, so the same
 * arguments give the same file. Writes next to `file` and renames, so an
 * interrupted run leaves no partial file behind; does nothing when `file` exists.
 */
export async function generateBehaviors(file: string, newsIds: readonly string[], rows: number, seed = 1): Promise<void> {
  if (existsSync(file)) return;
  const random = new Random(seed);
  const staging = `${file}.tmp-${process.pid}`;
  const output = createWriteStream(staging);
  const pick = () => newsIds[random.int(newsIds.length)] as string;
  for (let row = 1; row <= rows; row++) {
    const history = Array.from({ length: random.int(51) }, pick);
    const candidateCount = 10 + random.int(21);
    const clicks = 1 + random.int(3);
    const candidates = Array.from({ length: candidateCount }, (_, index) => `${pick()}-${index < clicks ? 1 : 0}`);
    const hour = 1 + random.int(12);
    const line = `${row}\tU${random.int(50_000)}\t11/${11 + random.int(4)}/2019 ${hour}:${String(random.int(60)).padStart(2, '0')}:${String(random.int(60)).padStart(2, '0')} ${random.int(2) === 0 ? 'AM' : 'PM'}\t${history.join(' ')}\t${random.shuffle(candidates).join(' ')}\n`;
    if (!output.write(line)) await once(output, 'drain');
  }
  output.end();
  await once(output, 'finish');
  renameSync(staging, file);
}
