import { Type, type Static } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { UserEncoder, UserEncoderContext } from './UserEncoder.ts';

// Defaults: LSTUR (An et al., "Neural News Recommendation with Long- and
// Short-term User Representations", ACL 2019): LSTUR-ini, user embeddings
// masked with probability 0.5 while training. The GRU has as many units as
// the news vector has values (400 with the cnn news encoder's defaults).
export const lsturUserSettings = Type.Object({
  mode: Type.Union([Type.Literal('ini'), Type.Literal('con')], {
    default: 'ini',
    description:
      "How the long-term user embedding joins the GRU: 'ini' starts the GRU from it, 'con' concatenates it with the GRU's last state (LSTUR: ini)",
  }),
  maskProbability: Type.Number({
    minimum: 0,
    exclusiveMaximum: 1,
    default: 0.5,
    description: 'Probability that a training sample\'s user embedding is replaced by zeros (LSTUR: 0.5)',
  }),
  userEmbeddingSize: Type.Integer({
    minimum: 0,
    default: 0,
    description:
      "With 'con': size of the user embedding; the GRU gets the rest of the news vector size (0: half of it). With 'ini' the embedding is as wide as the news vector.",
  }),
});

export type LsturUserSettings = Static<typeof lsturUserSettings>;

export const lsturUserEncoder = defineComponent({
  kind: 'userEncoder',
  name: 'lstur',
  description: 'LSTUR user encoder: a GRU over the clicked news with a user-ID embedding as initial state (ini) or concatenated (con)',
  settings: lsturUserSettings,
  async create(settings, context: UserEncoderContext): Promise<UserEncoder> {
    const { LsturUserEncoder } = await import('./LsturUserEncoder.ts');
    return LsturUserEncoder.create(settings, context);
  },
});
