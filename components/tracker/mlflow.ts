import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { Tracker, TrackerContext } from './Tracker.ts';

export const mlflowTracker = defineComponent({
  kind: 'tracker',
  name: 'mlflow',
  description:
    'Records the run locally like `local` and uploads it in the background to an MLflow server: ' +
    'a parent run, a nested run per stage, params, metrics and artifacts',
  settings: Type.Object({
    // Optional because its default comes from the environment when the run starts, not from the recipe.
    trackingUri: Type.Optional(
      Type.String({
        pattern: '^https?://[^@/]+(/.*)?$',
        description:
          'MLflow server address, such as http://127.0.0.1:5000 (default: MLFLOW_TRACKING_URI; without either, ' +
          'the run is recorded locally only). Credentials come from MLFLOW_TRACKING_TOKEN or ' +
          'MLFLOW_TRACKING_USERNAME/PASSWORD, never from the recipe',
      }),
    ),
    experimentName: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'MLflow experiment (default: the recipe name)' })),
    requestTimeoutSeconds: Type.Number({ exclusiveMinimum: 0, default: 10, description: 'Time allowed for one HTTP request, in seconds' }),
    maxAttempts: Type.Integer({ minimum: 1, default: 4, description: 'Attempts per request (the first included) before the server counts as unreachable' }),
    flushIntervalSeconds: Type.Number({ exclusiveMinimum: 0, default: 5, description: 'Time between background uploads of buffered metrics, in seconds' }),
    maxRetryIntervalSeconds: Type.Number({ exclusiveMinimum: 0, default: 60, description: 'Cap on the wait between uploads while the server is down, in seconds' }),
    endTimeoutSeconds: Type.Number({ minimum: 0, default: 60, description: 'Time the end of a run waits for the last uploads, in seconds' }),
    uploadCheckpoints: Type.Boolean({ default: false, description: "Upload each stage's saved models as artifacts of its run" }),
  }),
  async create(settings, context: TrackerContext): Promise<Tracker> {
    const { MlflowTracker } = await import('./MlflowTracker.ts');
    return new MlflowTracker(settings, context.log);
  },
});
