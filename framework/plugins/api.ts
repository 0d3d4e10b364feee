/**
 * The public API for plug-ins: everything a module listed under `plugins:`
 * needs to declare a component. A component has a kind (the recipe key it
 * fills, such as `newsEncoder`) and a name (its `type` in recipes). Its
 * settings schema is written with TypeBox `Type`, so recipes are validated
 * against it with line and column and get its defaults. Its factory builds it:
 *
 * ```ts
 * import { defineComponent, Type, type PluginApi } from 'newsrec-lab/framework/plugins/api.ts';
 *
 * const myEncoder = defineComponent({
 *   kind: 'newsEncoder',
 *   name: 'my-encoder',
 *   description: 'What it does, for `experiment components`',
 *   settings: Type.Object({ size: Type.Integer({ minimum: 1, default: 64 }) }),
 *   async create(settings, context: NewsEncoderContext): Promise<NewsEncoder> {
 *     const { MyEncoder } = await import('./MyEncoder.ts');
 *     return MyEncoder.create(settings, context);
 *   },
 * });
 *
 * export function register(api: PluginApi): void {
 *   api.register(myEncoder);
 * }
 * ```
 *
 * This module loads no TensorFlow.js, so `experiment validate` and
 * `experiment components` stay fast; import the implementation, and
 * `framework/plugins/layers.ts` with the building blocks, inside the factory.
 */
export { Type, type Static } from '@sinclair/typebox';
export { defineComponent, type ComponentDefinition, type ComponentSpec } from '../registry/ComponentDefinition.ts';
export { componentRef } from '../registry/componentRef.ts';
export { COMPONENT_KINDS, type ComponentKind } from '../registry/componentKinds.ts';
export type { PluginApi, PluginModule } from './PluginApi.ts';

export type { Module, NamedWeight } from '../model/Module.ts';
export type { NewsFeatures, NewsField, NewsInput } from '../model/NewsFeatures.ts';
export type { Random } from '../random/Random.ts';
export type { NewsEncoder, NewsEncoderContext, TokenBatch } from '../../components/newsEncoder/NewsEncoder.ts';
export type { UserEncoder, UserEncoderContext } from '../../components/userEncoder/UserEncoder.ts';
export type { ClickPredictor } from '../../components/clickPredictor/ClickPredictor.ts';
export type { Tokenizer, TokenMatrix } from '../../components/tokenizer/Tokenizer.ts';
export { wordEmbeddingSettings, type WordEmbeddingSettings } from '../../components/embedding/wordEmbeddingSettings.ts';
