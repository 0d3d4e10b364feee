import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { Tokenizer } from './Tokenizer.ts';

/** Context of the wordpiece factory, passed by the model builder. */
export interface WordPieceContext {
  /** Training texts, read when a vocabulary is built (`build`); not called otherwise. */
  texts(): Iterable<string>;
  /** Resolves a path written in the recipe (relative to the recipe file). */
  resolvePath(path: string): string;
}

export const wordPieceSettings = Type.Object({
  checkpoint: Type.Optional(
    Type.String({
      description:
        'Hugging Face checkpoint directory holding vocab.txt or tokenizer.json (and tokenizer_config.json), or hf:org/name[@revision] to read a model from the local Hugging Face Hub cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub; nothing is downloaded).',
    }),
  ),
  vocabulary: Type.Optional(Type.String({ description: 'Path of a BERT vocab.txt file (one token per line, line n is id n).' })),
  build: Type.Optional(
    Type.Object(
      {
        vocabularySize: Type.Integer({
          minimum: 6,
          default: 30522,
          description: 'Number of tokens, special tokens included. Default: vocab_size of Hugging Face BertConfig.',
        }),
      },
      { description: 'Build a vocabulary from the training texts: special tokens, characters, then the most frequent words.' },
    ),
  ),
  lowercase: Type.Optional(
    Type.Boolean({
      description:
        'Lowercase and strip accents before WordPiece. Default: do_lower_case from the checkpoint\'s tokenizer_config.json, else true (bert-base-uncased).',
    }),
  ),
});

/**
 * WordPiece tokenizer with Hugging Face BertTokenizer semantics. Give exactly
 * one of `checkpoint`, `vocabulary` or `build`.
 */
export const wordPiece = defineComponent({
  kind: 'tokenizer',
  name: 'wordpiece',
  description: 'WordPiece tokenizer (Hugging Face BertTokenizer) from a checkpoint, a vocab.txt or built from the training texts',
  settings: wordPieceSettings,
  async create(settings, context: WordPieceContext): Promise<Tokenizer> {
    const sources = (['checkpoint', 'vocabulary', 'build'] as const).filter((key) => settings[key] !== undefined);
    if (sources.length !== 1) {
      throw new Error(
        `wordpiece tokenizer: give exactly one of checkpoint, vocabulary or build, got ${sources.length === 0 ? 'none' : sources.join(' and ')}`,
      );
    }
    const { WordPieceTokenizer } = await import('./WordPieceTokenizer.ts');
    const { loadWordPieceTokenizer, readVocabularyFile } = await import('./loadWordPieceTokenizer.ts');

    if (settings.checkpoint !== undefined) {
      const { resolveCheckpointReference } = await import('../../framework/hub/resolveHubReference.ts');
      const directory = resolveCheckpointReference(settings.checkpoint, context.resolvePath, [['vocab.txt', 'tokenizer.json']]);
      return loadWordPieceTokenizer(directory, { lowercase: settings.lowercase });
    }
    const lowercase = settings.lowercase ?? true;
    const options = { lowercase, stripAccents: lowercase, splitChineseCharacters: true };
    if (settings.vocabulary !== undefined) {
      return new WordPieceTokenizer(await readVocabularyFile(context.resolvePath(settings.vocabulary)), options);
    }
    const { buildVocabulary } = await import('./buildVocabulary.ts');
    const size = settings.build?.vocabularySize ?? 30522;
    return new WordPieceTokenizer(buildVocabulary(context.texts(), size, options), options);
  },
});
