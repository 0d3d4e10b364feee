import type { RunData, StepPoint } from './readRunData.ts';
import { barChartSvg, lineChartSvg, type Series } from './svgCharts.ts';

/** A figure of the report: file name under `report/`, caption and SVG source. */
export interface Figure {
  readonly file: string;
  readonly caption: string;
  readonly svg: string;
}

const RANKING_METRICS = ['AUC', 'MRR', 'nDCG@5', 'nDCG@10'];

/**
 * Builds the report's figures from a run's metrics: loss curves per stage,
 * teacher weights over training with their spread across samples, dev
 * metrics per stage and model, AUC per news category, and efficiency.
 */
export function buildFigures(run: RunData): Figure[] {
  const figures: Figure[] = [];
  const stages = [...new Set(run.steps.map((point) => point.stage))];
  for (const stage of stages) {
    const points = run.steps.filter((point) => point.stage === stage);
    const lossKeys = uniqueKeys(points).filter((key) => key.endsWith('loss'));
    if (lossKeys.length > 0) {
      figures.push({
        file: `loss-${stage}.png`,
        caption: `Training losses of stage ${stage} per logged step.`,
        svg: lineChartSvg({ title: `${stage}: training losses`, xLabel: 'step', yLabel: 'loss', series: lossKeys.map((key) => seriesOf(points, key)) }),
      });
    }
    figures.push(...teacherWeightFigures(stage, points));
  }
  figures.push(...evaluationFigures(run));
  return figures;
}

/** Mean teacher weight per step with a min..max band, and the standard deviation across the batch's samples. */
function teacherWeightFigures(stage: string, points: readonly StepPoint[]): Figure[] {
  const means = uniqueKeys(points).filter((key) => /^(alpha|beta)_\d+$/.test(key));
  if (means.length === 0) return [];
  const symbol = means[0]?.startsWith('alpha') === true ? 'alpha' : 'beta';
  const series: Series[] = means.map((key) => {
    const low = valuesByStep(points, `${key}_min`);
    const high = valuesByStep(points, `${key}_max`);
    const band = [...low.entries()].flatMap(([step, value]) => (high.has(step) ? [[step, value, high.get(step) as number] as const] : []));
    return { ...seriesOf(points, key), band };
  });
  const figures: Figure[] = [
    {
      file: `teacher-weights-${stage}.png`,
      caption:
        `Teacher weights ${symbol}_i of stage ${stage}: the line is the mean over each logged batch, ` +
        'the band spans the smallest to the largest weight any sample of the batch gave the teacher.',
      svg: lineChartSvg({ title: `${stage}: teacher weights (${symbol}) over training`, xLabel: 'step', yLabel: `${symbol} (batch mean, min..max)`, series }),
    },
  ];
  const spread = means.filter((key) => valuesByStep(points, `${key}_std`).size > 0);
  if (spread.length > 0) {
    figures.push({
      file: `teacher-weight-spread-${stage}.png`,
      caption: `Standard deviation of each teacher's weight across the samples of a batch, stage ${stage}; 0 means every sample weighted the teachers alike.`,
      svg: lineChartSvg({
        title: `${stage}: spread of ${symbol} across samples`,
        xLabel: 'step',
        yLabel: `std of ${symbol} in the batch`,
        series: spread.map((key) => ({ ...seriesOf(points, `${key}_std`), name: key })),
      }),
    });
  }
  return figures;
}

function evaluationFigures(run: RunData): Figure[] {
  const figures: Figure[] = [];
  const groups = evaluationGroups(run);
  if (groups.length === 0) return figures;
  figures.push({
    file: 'dev-metrics.png',
    caption: 'Ranking metrics of each evaluated model (per impression, averaged over impressions).',
    svg: barChartSvg({
      title: 'Evaluation metrics per stage and model',
      yLabel: 'metric value',
      categories: RANKING_METRICS,
      series: groups.map((group) => ({ name: group.name, values: RANKING_METRICS.map((metric) => group.values[metric]) })),
      digits: 3,
    }),
  });

  const categories = [...new Set(groups.flatMap((group) => Object.keys(group.values)))]
    .map((key) => /^category\/(.+)\/AUC$/.exec(key)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
  if (categories.length > 0) {
    figures.push({
      file: 'category-auc.png',
      caption:
        'AUC per news category: each impression is cut down to its candidates of one category, and AUC is averaged over ' +
        'the impressions where that sub-list has a click and a skip. It measures ranking within a category.',
      svg: barChartSvg(
        {
          title: 'AUC per news category of the candidates',
          yLabel: 'AUC',
          categories,
          series: groups.map((group) => ({ name: group.name, values: categories.map((category) => group.values[`category/${category}/AUC`]) })),
          digits: 2,
        },
        Math.max(760, 120 + categories.length * 22 * Math.max(1, groups.length)),
        420,
      ),
    });
  }

  const efficiency: Array<[key: string, title: string, label: string, digits: number]> = [
    ['parameters', 'Parameters', 'parameters', 0],
    ['news_per_second', 'News encoding throughput', 'news per second', 0],
    ['scoring_ms_per_impression', 'Scoring latency (news vectors cached)', 'ms per impression', 3],
  ];
  for (const [key, title, label, digits] of efficiency) {
    if (!groups.some((group) => group.values[key] !== undefined)) continue;
    figures.push({
      file: `efficiency-${key.replace(/_/g, '-')}.png`,
      caption: `${title} of each evaluated model.`,
      svg: barChartSvg({
        title,
        yLabel: label,
        categories: groups.map((group) => group.model),
        series: [{ name: label, values: groups.map((group) => group.values[key]) }],
        digits,
      }),
    });
  }
  return figures;
}

/** Final metrics of every evaluated model, named `stage/model`, from stages that report AUC. */
export function evaluationGroups(run: RunData): Array<{ name: string; stage: string; model: string; values: Record<string, number> }> {
  const groups: Array<{ name: string; stage: string; model: string; values: Record<string, number> }> = [];
  for (const [stage, values] of Object.entries(run.final)) {
    const models = [...new Set(Object.keys(values).filter((key) => key.endsWith('/AUC') && !key.startsWith('category/')).map((key) => key.split('/')[0] as string))];
    for (const model of models.filter((name) => name !== 'category')) {
      const prefix = `${model}/`;
      const own = Object.fromEntries(Object.entries(values).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
      groups.push({ name: `${stage}/${model}`, stage, model, values: own });
    }
  }
  return groups;
}

function uniqueKeys(points: readonly StepPoint[]): string[] {
  return [...new Set(points.map((point) => point.key))];
}

function seriesOf(points: readonly StepPoint[], key: string): Series {
  return { name: key, points: [...valuesByStep(points, key).entries()] };
}

function valuesByStep(points: readonly StepPoint[], key: string): Map<number, number> {
  const values = new Map<number, number>();
  for (const point of points) {
    if (point.key === key) values.set(point.step, point.value);
  }
  return values;
}
