import { formatClock } from './formatDuration.ts';
import type { StepUpdate } from './ProgressEvent.ts';
import { headlineValue, secondsLeft } from './StepRate.ts';

/** `model_2 step 40/120 (33%) loss 1.2345, 2.10 step/s, ETA 0:38`; rate and ETA are left out while unknown. */
export function formatStepLine(update: StepUpdate, rate: number): string {
  const percent = update.total > 0 ? Math.floor((100 * update.step) / update.total) : 0;
  const parts = [`${update.task === undefined ? '' : `${update.task} `}step ${update.step}/${update.total} (${percent}%)`];
  const headline = headlineValue(update.values);
  if (headline !== undefined) parts[0] += ` ${headline[0]} ${headline[1].toFixed(4)}`;
  if (Number.isFinite(rate)) {
    parts.push(`${formatRate(rate)}`);
    if (update.step < update.total) parts.push(`ETA ${formatClock(secondsLeft(update, rate))}`);
  }
  return parts.join(', ');
}

/** Steps per second, or seconds per step when a step takes longer than a second. */
export function formatRate(rate: number): string {
  return rate >= 1 ? `${rate.toFixed(2)} step/s` : `${(1 / rate).toFixed(2)} s/step`;
}
