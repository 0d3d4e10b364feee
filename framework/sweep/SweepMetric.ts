import { UsageError } from '../cli/UsageError.ts';
import { isStageDefinition } from '../graph/StageDefinition.ts';
import type { Registry } from '../registry/Registry.ts';
import type { RunResult } from '../run/runRecipe.ts';
import { didYouMean } from '../spec/closestNames.ts';
import type { Recipe } from '../spec/Recipe.ts';

/** The metric a sweep compares its trials by. */
export interface SweepMetric {
  /** The evaluate stage that logs it. */
  readonly stage: string;
  /** Label of the evaluated model, such as `fine-tune.models[0]`; undefined picks the stage's first model. */
  readonly model?: string;
  /** Metric name as the evaluate stage logs it (`AUC`, `nDCG@10`), matched without regard to case. */
  readonly name: string;
}

/** The value of the metric in one trial, or why there is none. */
export type MetricReading = { readonly key: string; readonly value: number } | { readonly key: string; readonly error: string };

/**
 * Parses `--metric STAGE.metrics.MODEL.NAME`, such as
 * `evaluate.metrics.fine-tune.models[0].AUC`. MODEL may contain dots, so the
 * first two parts and the last one are split off, and `STAGE.metrics.NAME`
 * picks the stage's first model. Without the flag the metric is the AUC of
 * the first model of the first evaluate stage. The stage must be an evaluate
 * stage of the recipe, MODEL one of the models it evaluates and NAME one of
 * EVALUATE_METRICS, so that a typo fails before any trial runs.
 *
 * @throws UsageError naming the flag, the value and the allowed values
 */
export function parseSweepMetric(text: string | undefined, recipe: Recipe, stageOrder: readonly string[], registry: Registry): SweepMetric {
  const evaluateStages = stageOrder.filter((stage) => recipe.stages[stage]?.type === 'evaluate');
  if (text === undefined) {
    const stage = evaluateStages[0];
    if (stage === undefined) {
      throw new UsageError('sweep: the recipe has no evaluate stage, so there is no metric to compare trials by; add one');
    }
    return { stage, name: 'AUC' };
  }

  const parts = text.split('.');
  if (parts.length < 3 || parts[1] !== 'metrics' || parts.some((part) => part === '')) {
    throw new UsageError(`--metric ${text}: expected STAGE.metrics.MODEL.NAME or STAGE.metrics.NAME, such as evaluate.metrics.fine-tune.models[0].AUC`);
  }
  const stage = parts[0] as string;
  if (!evaluateStages.includes(stage)) {
    const known = evaluateStages.length === 0 ? 'the recipe has none' : `evaluate stages: ${evaluateStages.join(', ')}`;
    throw new UsageError(`--metric ${text}: '${stage}' is not an evaluate stage of the recipe${didYouMean(stage, evaluateStages)}; ${known}`);
  }
  const written = parts[parts.length - 1] as string;
  const name = EVALUATE_METRICS.find((candidate) => candidate.toLowerCase() === written.toLowerCase());
  if (name === undefined) {
    throw new UsageError(`--metric ${text}: unknown metric '${written}'${didYouMean(written, EVALUATE_METRICS)}; use ${EVALUATE_METRICS.join(', ')}`);
  }
  const model = parts.length > 3 ? parts.slice(2, -1).join('.') : undefined;
  if (model !== undefined) {
    const labels = evaluatedLabels(recipe.stages[stage] as Readonly<Record<string, unknown>>, recipe, registry);
    if (!labels.some((label) => label.matches(model))) {
      const allowed = labels.map((label) => label.text);
      throw new UsageError(
        `--metric ${text}: stage ${stage} does not evaluate a model '${model}'; it evaluates ${allowed.join(', ')}`,
      );
    }
  }
  return { stage, name, ...(model === undefined ? {} : { model }) };
}

/** Ranking metrics the evaluate stage writes for each model, as it spells them. */
export const EVALUATE_METRICS = ['AUC', 'MRR', 'nDCG@5', 'nDCG@10'] as const;

/**
 * Labels under which an evaluate stage reports its models: a model name or a
 * `stage.output` of one model as written, and an output holding a list of
 * models as `stage.output[INDEX]` (the count is only known once the stage runs).
 */
function evaluatedLabels(settings: Readonly<Record<string, unknown>>, recipe: Recipe, registry: Registry): Array<{ text: string; matches: (model: string) => boolean }> {
  const references = ([] as unknown[]).concat(settings.models ?? []).filter((reference): reference is string => typeof reference === 'string');
  return references.map((reference) => {
    const dot = reference.indexOf('.');
    const source = dot < 0 ? undefined : recipe.stages[reference.slice(0, dot)];
    const definition = source === undefined || !registry.has('stage', source.type) ? undefined : registry.get('stage', source.type);
    const list = definition !== undefined && isStageDefinition(definition) && definition.outputs[reference.slice(dot + 1)] === 'models';
    if (!list) return { text: reference, matches: (model: string) => model === reference };
    return {
      text: `${reference}[INDEX]`,
      matches: (model: string) => model.startsWith(reference) && /^\[\d+\]$/.test(model.slice(reference.length)),
    };
  });
}

/** Reads the metric from a finished trial; a missing or non-finite value is an error that names what the trial logged. */
export function readMetric(metric: SweepMetric, result: RunResult): MetricReading {
  const models = result.metrics[metric.stage] ?? {};
  const labels = Object.keys(models);
  const model = metric.model ?? labels[0];
  const fallbackKey = `${metric.stage}.metrics.${model ?? '?'}.${metric.name}`;
  if (model === undefined || models[model] === undefined) {
    return { key: fallbackKey, error: `metric ${fallbackKey} not found: stage ${metric.stage} evaluated ${labels.length === 0 ? 'no models' : labels.join(', ')}` };
  }
  const values = models[model] as Readonly<Record<string, number>>;
  const name = Object.keys(values).find((candidate) => candidate.toLowerCase() === metric.name.toLowerCase());
  if (name === undefined) {
    const names = Object.keys(values).filter((candidate) => !candidate.includes('/'));
    return { key: fallbackKey, error: `metric ${fallbackKey} not found${didYouMean(metric.name, names)}; the stage logged ${names.join(', ')}` };
  }
  const key = `${metric.stage}.metrics.${model}.${name}`;
  const value = values[name] as number;
  if (!Number.isFinite(value)) {
    return { key, error: `metric ${key} is ${value}` };
  }
  return { key, value };
}

/** Formats a metric for tables: 4 decimals. */
export function formatMetric(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(4);
}
