import { Type } from '@sinclair/typebox';

// Settings shared by the news and user encoders of NRMS, NAML and LSTUR. Each
// takes its default and the source of that default, which ends the description.

export const attentionHeads = (fallback: number, source: string) =>
  Type.Integer({ minimum: 1, default: fallback, description: `Attention heads of the multi-head self-attention (${source})` });

export const attentionHeadSize = (fallback: number, source: string) =>
  Type.Integer({ minimum: 1, default: fallback, description: `Size of each attention head; the output is heads x headSize wide (${source})` });

export const queryVectorSize = (fallback: number, source: string) =>
  Type.Integer({ minimum: 1, default: fallback, description: `Size of the additive attention query vector and hidden layer (${source})` });

export const dropoutRate = (fallback: number, source: string) =>
  Type.Number({ minimum: 0, exclusiveMaximum: 1, default: fallback, description: `Dropout rate on word vectors and encoder outputs while training (${source})` });

export const cnnFilters = (fallback: number, source: string) =>
  Type.Integer({ minimum: 1, default: fallback, description: `Filters of the text CNN, the width of each text view (${source})` });

export const cnnWindow = (fallback: number, source: string) =>
  Type.Integer({ minimum: 1, default: fallback, description: `Words per CNN window, odd (${source})` });
