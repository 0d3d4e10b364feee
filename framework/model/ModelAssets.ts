import type { LabelVocabularies } from './TokenCache.ts';
import type { UserIndex } from './UserIndex.ts';

/**
 * Inputs of a model besides its recipe entry and weights. A saved model keeps
 * them so that it scores news the same way in another process: the plug-in
 * modules that define its components, the label vocabularies of its category
 * ids, and the training users of a user-ID embedding.
 */
export interface ModelAssets {
  /** Absolute paths of the plug-in modules that registered the model's component types. */
  readonly plugins: readonly string[];
  /** Category and subcategory ids of the training corpus; undefined when the model was built without them. */
  readonly labels?: LabelVocabularies;
  /** Indices of the training users, present when the user encoder reads user ids. */
  readonly users?: UserIndex;
}

/** Assets of a model built without a corpus, plug-ins or users. */
export const NO_MODEL_ASSETS: ModelAssets = { plugins: [] };
