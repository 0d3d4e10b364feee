/** Settings that the benchmark hands every scenario. */
export interface ScenarioOptions {
  /** Fewer repetitions and smaller sizes: checks that the scenario runs, not how fast. */
  readonly quick: boolean;
  /** Repository root. */
  readonly root: string;
  /** MIND-format directory with train/ and dev/ splits. */
  readonly mindDirectory: string;
  /** MiniLM checkpoint directory (Hugging Face layout). */
  readonly checkpoint: string;
  /** Python interpreter for the numpy and PyTorch baselines. */
  readonly python: string;
  /** Ignored folder for generated files (the 1,000,000-row behaviors file, token caches). */
  readonly cacheDirectory: string;
  /** Progress lines for the person running the benchmark (stderr). */
  readonly log: (message: string) => void;
}

/** A scenario: a titled function that measures and returns figures, ratios and notes. */
export interface Scenario {
  readonly id: string;
  /** Heading of a full run, with the sizes it uses. */
  readonly title: string;
  /** Heading of a --quick run, with its reduced sizes; `title` when the sizes are the same. */
  readonly quickTitle?: string;
  run(options: ScenarioOptions): Promise<ScenarioOutput>;
}

export interface ScenarioOutput {
  readonly figures: import('./Figure.ts').Figure[];
  readonly ratios: import('./Figure.ts').Ratio[];
  readonly notes: string[];
  /** Reason nothing was measured, printed in the report in place of the table. */
  readonly skipped?: string;
  readonly peakRssLabel?: string;
}

/** Returns the heading that states the sizes a run with these options uses. */
export function scenarioTitle(scenario: Scenario, quick: boolean): string {
  return quick && scenario.quickTitle !== undefined ? scenario.quickTitle : scenario.title;
}
