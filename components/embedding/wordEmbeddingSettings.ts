import { Type, type Static } from '@sinclair/typebox';

/** Settings of the word embedding table shared by the NRMS, NAML and CNN news encoders. */
export const wordEmbeddingSettings = Type.Object(
  {
    size: Type.Integer({
      minimum: 1,
      default: 300,
      description:
        'Width of a word vector (300: the GloVe 840B vectors that NRMS, NAML and LSTUR start from). With `checkpoint` it must equal the checkpoint\'s hidden size.',
    }),
    checkpoint: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Hugging Face checkpoint directory whose input embeddings (embeddings.word_embeddings.weight in model.safetensors) start the table; use the same checkpoint for the tokenizer.',
      }),
    ),
    glove: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'GloVe-format text file (a token, then `size` numbers, per line); tokens of the tokenizer found in it start from its vector, the others at random.',
      }),
    ),
    trainable: Type.Boolean({ default: true, description: 'Update the word vectors during training' }),
  },
  { default: {}, description: 'Word embedding table over the tokenizer\'s vocabulary: random, from a checkpoint or from a GloVe file' },
);

export type WordEmbeddingSettings = Static<typeof wordEmbeddingSettings>;
