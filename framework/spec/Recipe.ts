import type { ComponentSpec } from '../registry/ComponentDefinition.ts';

export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** One recommender: how news are tokenised and encoded, how users are encoded and how clicks are scored. */
export interface ModelSpec {
  readonly tokenizer: ComponentSpec;
  readonly newsEncoder: ComponentSpec;
  readonly userEncoder: ComponentSpec;
  readonly clickPredictor: ComponentSpec;
}

/**
 * A validated recipe with every default filled in. Component settings keep
 * their `type` and are validated against the registered component's schema.
 */
export interface Recipe {
  readonly name: string;
  readonly seed: number;
  readonly backend: BackendName;
  /** Threads for matrix products on the wasm backend; `auto` is one per available core. */
  readonly threads: number | 'auto';
  /** Plug-in module paths, resolved to absolute paths. */
  readonly plugins: readonly string[];
  /** Where run directories are created (absolute). */
  readonly outputDirectory: string;
  readonly data: ComponentSpec;
  readonly tracker: ComponentSpec;
  readonly models: Readonly<Record<string, ModelSpec>>;
  /** Stages in the order the recipe lists them; the run order comes from the graph. */
  readonly stages: Readonly<Record<string, ComponentSpec>>;
}

/** A recipe file after loading: the recipe, where it came from and the stage order. */
export interface LoadedRecipe {
  readonly recipe: Recipe;
  /** Absolute path of the recipe file. */
  readonly file: string;
  /** The file's text, kept for the run directory. */
  readonly source: string;
  /** Stage names in dependency order. */
  readonly stageOrder: readonly string[];
}
