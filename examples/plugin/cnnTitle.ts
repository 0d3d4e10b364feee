// A news encoder written as a user would write one, outside the framework:
// this module declares it and registers it; CnnTitleEncoder.ts builds it.
import {
  defineComponent,
  Type,
  wordEmbeddingSettings,
  type NewsEncoder,
  type NewsEncoderContext,
  type PluginApi,
  type Static,
} from '../../framework/plugins/api.ts';

export const cnnTitleSettings = Type.Object({
  wordEmbedding: wordEmbeddingSettings,
  filters: Type.Integer({ minimum: 1, default: 128, description: 'Convolution filters, the width of the news vector' }),
  window: Type.Integer({ minimum: 1, maximum: 9, default: 3, description: 'Words per convolution window' }),
  dropout: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'Dropout on the word vectors while training' }),
});

export type CnnTitleSettings = Static<typeof cnnTitleSettings>;

/** A title CNN with max pooling over time (Kim, EMNLP 2014), as a news encoder. */
export const cnnTitleEncoder = defineComponent({
  kind: 'newsEncoder',
  name: 'cnn-title',
  description: 'Example plug-in: a CNN over the title words with max pooling over time',
  settings: cnnTitleSettings,
  async create(settings, context: NewsEncoderContext): Promise<NewsEncoder> {
    const { CnnTitleEncoder } = await import('./CnnTitleEncoder.ts');
    return CnnTitleEncoder.create(settings, context);
  },
});

export function register(api: PluginApi): void {
  api.register(cnnTitleEncoder);
}
