/**
 * Building blocks for plug-in components, the ones the built-in NRMS, NAML
 * and LSTUR encoders are made of. Importing this module loads TensorFlow.js,
 * so import it from a component's implementation, not from its definition.
 */
export { DenseLayer, dropout, prefixWeights } from '../../components/attention/DenseLayer.ts';
export { MultiHeadSelfAttention } from '../../components/attention/MultiHeadSelfAttention.ts';
export { EmbeddingTable } from '../../components/embedding/EmbeddingTable.ts';
export { labelTensor, tokenTensors } from '../../components/newsEncoder/articleTensors.ts';
export { saveEncoderWeights } from '../../components/newsEncoder/saveEncoderWeights.ts';
export { AdditiveAttentionLayer } from '../../components/pooling/AdditiveAttentionLayer.ts';
export { maskedSoftmax, weightedSum } from '../../components/pooling/maskedSoftmax.ts';
export { AttentiveTextView } from '../../components/textEncoder/AttentiveTextView.ts';
export { TextCnn } from '../../components/textEncoder/TextCnn.ts';
export { GruLayer } from '../../components/userEncoder/GruLayer.ts';
