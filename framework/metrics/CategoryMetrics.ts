import { MetricAccumulator } from './MetricAccumulator.ts';

/**
 * AUC per news category of the candidates. For each category, every
 * impression is cut down to its candidates of that category, and the AUC of
 * that sub-list is averaged over the impressions where it has both a clicked
 * and a skipped candidate. A category's AUC thus measures how well the model
 * ranks news within the category, apart from how it ranks categories.
 */
export class CategoryMetrics {
  private readonly byCategory = new Map<string, MetricAccumulator>();

  add(categories: readonly string[], labels: readonly number[], scores: readonly number[]): void {
    const rowsByCategory = new Map<string, number[]>();
    categories.forEach((category, row) => {
      const rows = rowsByCategory.get(category) ?? [];
      rows.push(row);
      rowsByCategory.set(category, rows);
    });
    for (const [category, rows] of rowsByCategory) {
      let accumulator = this.byCategory.get(category);
      if (accumulator === undefined) {
        accumulator = new MetricAccumulator();
        this.byCategory.set(category, accumulator);
      }
      accumulator.add(rows.map((row) => labels[row] as number), rows.map((row) => scores[row] as number));
    }
  }

  /**
   * Metrics named `category/<name>/AUC` and `category/<name>/impressions`, for
   * the categories with at least one counted impression, sorted by name.
   */
  result(): Record<string, number> {
    const values: Record<string, number> = {};
    for (const category of [...this.byCategory.keys()].sort()) {
      const summary = (this.byCategory.get(category) as MetricAccumulator).result();
      if (summary.impressions === 0) continue;
      values[`category/${category}/AUC`] = summary.auc;
      values[`category/${category}/impressions`] = summary.impressions;
    }
    return values;
  }
}
