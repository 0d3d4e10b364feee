import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { assignWeights } from '../checkpoint/assignWeights.ts';
import type { SafetensorsTensor } from '../checkpoint/readSafetensors.ts';
import {
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  type DataPosition,
  type LoadedCheckpoint,
} from '../checkpoint/TrainingCheckpoint.ts';
import type { TensorToWrite } from '../checkpoint/writeSafetensors.ts';
import type { NamedWeight } from '../model/Module.ts';
import type { RandomLedger } from '../random/Random.ts';
import type { EarlyStopping, EarlyStoppingState } from './EarlyStopping.ts';
import { LossGuard, type DivergenceSettings, type LossGuardState } from './LossGuard.ts';
import type { StageContext } from './StageContext.ts';

/** Checkpoint location, resume flag, Ctrl-C signal and random ledger of a training stage; absent in contexts built by hand. */
export interface TrainingControl {
  /** Directory of the stage's checkpoint (`<run>/checkpoints/<stage>`). */
  readonly checkpointDirectory: string;
  /** Cache key of the stage; a checkpoint written under another key is not resumed. */
  readonly stageKey: string;
  /** Whether to continue from an existing checkpoint (`experiment run --resume`). */
  readonly resume: boolean;
  /** Aborted by the first Ctrl-C: the stage finishes its step, writes a checkpoint and stops. */
  readonly signal: AbortSignal;
  /** Random streams created since the stage started, saved and restored with the checkpoint. */
  readonly ledger: RandomLedger;
}

/** The training settings every training stage has. */
export interface TrainingLoopSettings {
  readonly checkpointEvery: number;
  readonly divergence: DivergenceSettings;
}

/** Modules, optimiser and finished outputs that a training loop checkpoints and restores. */
export interface TrainingLoopParts {
  /** Trained modules by name, e.g. `{ student, alignment }`. */
  readonly weights: Readonly<Record<string, readonly NamedWeight[]>>;
  readonly optimizer: tf.Optimizer;
  /** Index of the model a multi-model stage is training (0 otherwise). */
  readonly task?: number;
  /** Finished outputs to keep in the checkpoint by name (snapshots, models trained before this one). */
  readonly kept?: () => Readonly<Record<string, readonly NamedWeight[]>>;
  readonly earlyStopping?: EarlyStopping;
}

/** Start of a loop: from scratch, from a checkpoint at a step, or none because the checkpoint is past its task. */
export type LoopStart =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'resumed'; readonly step: number; readonly position: DataPosition }
  | { readonly kind: 'done' };

/** Hooks a runner gives `resume`. */
export interface ResumeHooks {
  /** Consumes the data source up to the saved position without training, so the next batch is the one after the checkpoint. */
  skip(position: DataPosition, step: number): void | Promise<void>;
  /** Recreates the finished outputs listed in the checkpoint and returns their weights, which are then overwritten with the saved ones. */
  recreateKept?(names: readonly string[]): Readonly<Record<string, readonly NamedWeight[]>>;
}

/** Guard and early-stopping state saved in a checkpoint. */
interface GuardsState {
  readonly loss: LossGuardState;
  readonly earlyStopping?: EarlyStoppingState;
}

const loadedCheckpoints = new WeakMap<TrainingControl, Promise<LoadedCheckpoint | undefined>>();

/**
 * Checkpoints, resume and guards of one training loop, shared by the training
 * runners. A runner builds its models, optimiser and data source as usual,
 * calls `resume` once before the first step, and `afterStep` after every step.
 * `afterStep` stops on a NaN or infinite loss, writes a checkpoint every
 * `checkpointEvery` steps, and on Ctrl-C writes one and raises an AbortError.
 * A resumed stage consumes the same random numbers as an uninterrupted one
 * because the states of all its random streams are restored.
 */
export class TrainingLoop {
  private readonly guard: LossGuard;
  private position: DataPosition = { task: 0, epoch: 1, batch: 0 };

  constructor(
    private readonly context: StageContext,
    private readonly settings: TrainingLoopSettings,
    private readonly parts: TrainingLoopParts,
  ) {
    this.guard = new LossGuard(context.stageName, settings.divergence);
  }

  private get task(): number {
    return this.parts.task ?? 0;
  }

  /** The stage's checkpoint when the run resumes, read and verified once per stage. */
  static async pendingCheckpoint(context: StageContext): Promise<LoadedCheckpoint | undefined> {
    const control = context.training;
    if (control === undefined || !control.resume) return undefined;
    let loaded = loadedCheckpoints.get(control);
    if (loaded === undefined) {
      loaded = loadTrainingCheckpoint(control.checkpointDirectory).then((checkpoint) => {
        if (checkpoint !== undefined && checkpoint.state.stageKey !== control.stageKey) {
          context.log.warn(
            `the checkpoint in ${checkpoint.directory} was written for other settings, inputs or code; the stage starts over`,
          );
          return undefined;
        }
        return checkpoint;
      });
      loadedCheckpoints.set(control, loaded);
    }
    return loaded;
  }

  /**
   * Restores the loop from the stage's checkpoint when the run resumes: skips
   * the data already used, sets the trained weights, the optimiser state, the
   * guards and every random stream. A task of a multi-model stage that the
   * checkpoint shows as finished gets its saved weights and `done`.
   */
  async resume(hooks: ResumeHooks): Promise<LoopStart> {
    const checkpoint = await TrainingLoop.pendingCheckpoint(this.context);
    if (checkpoint === undefined || checkpoint.state.position.task < this.task) return { kind: 'fresh' };
    const { state, tensors, tensorsFile } = checkpoint;
    const file = { path: tensorsFile, tensors: tensors as Map<string, SafetensorsTensor>, metadata: {} };
    if (state.position.task > this.task) {
      // A finished model of a multi-model stage is kept as `task-<index>` (keptTaskWeights) and trained as group `model`.
      assignWeights(this.parts.weights.model ?? [], file, `kept/task-${this.task}/`);
      return { kind: 'done' };
    }

    await hooks.skip(state.position, state.step);
    // Without recreateKept the kept outputs are earlier tasks, which restored themselves as `done`.
    if (state.kept.length > 0 && hooks.recreateKept !== undefined) {
      const kept = hooks.recreateKept(state.kept);
      for (const name of state.kept) {
        const weights = kept[name];
        if (weights === undefined) throw new Error(`stage ${this.context.stageName}: the runner did not recreate '${name}' from the checkpoint`);
        assignWeights(weights, file, `kept/${name}/`);
      }
    }
    for (const [group, weights] of Object.entries(this.parts.weights)) {
      assignWeights(weights, file, `weights/${group}/`);
    }
    await restoreOptimizer(this.parts.optimizer, state.optimizer, state.optimizerTensors, tensors, tensorsFile);
    const guards = state.guards as GuardsState;
    this.guard.restore(guards.loss);
    if (guards.earlyStopping !== undefined) this.parts.earlyStopping?.restore(guards.earlyStopping, tensors);
    (this.context.training as TrainingControl).ledger.restore(state.random);
    this.position = state.position;
    this.context.log.info(
      `resumed from the checkpoint of step ${state.step} (epoch ${state.position.epoch}, batch ${state.position.batch}) written ${state.writtenAt}`,
    );
    return { kind: 'resumed', step: state.step, position: state.position };
  }

  /**
   * Runs the guards after a step and writes a checkpoint when due or when
   * Ctrl-C was pressed (then it raises an AbortError). Returns a reason to
   * stop training early (divergence or early stopping), else undefined.
   */
  async afterStep(
    step: number,
    position: { readonly epoch: number; readonly batch: number },
    loss: number,
    describeBatch: () => string,
  ): Promise<string | undefined> {
    this.position = { task: this.task, ...position };
    // Signal listeners run only when the event loop gets a turn, which a step of synchronous tensor work never gives.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const diverged = this.guard.check(step, loss, describeBatch);
    const control = this.context.training;
    const interrupted = control?.signal.aborted === true;
    const due = this.settings.checkpointEvery > 0 && step % this.settings.checkpointEvery === 0;
    const stopEarly = diverged ?? (interrupted ? undefined : this.parts.earlyStopping?.afterStep(step));
    if (control !== undefined && (due || interrupted)) {
      await this.saveCheckpoint(control, step);
    }
    if (interrupted) {
      this.context.log.info(`stopped after step ${step} by the interruption`);
      // The signal's reason is the AbortError naming the signal, which the run records as its error.
      throw control.signal.reason;
    }
    if (diverged !== undefined) this.context.log.warn(`training stops early: ${diverged}`);
    else if (stopEarly !== undefined) this.context.log.info(`training stops early: ${stopEarly}`);
    return stopEarly;
  }

  /** Puts back the best weights of early stopping, when it ran. */
  finish(): void {
    this.parts.earlyStopping?.finish();
  }

  private async saveCheckpoint(control: TrainingControl, step: number): Promise<void> {
    const tensors = new Map<string, TensorToWrite>();
    const addWeights = (prefix: string, weights: readonly NamedWeight[]) => {
      for (const weight of weights) {
        tensors.set(prefix + weight.name, { shape: weight.variable.shape, values: weight.variable.dataSync() as Float32Array });
      }
    };
    for (const [group, weights] of Object.entries(this.parts.weights)) addWeights(`weights/${group}/`, weights);
    const kept = this.parts.kept?.() ?? {};
    for (const [name, weights] of Object.entries(kept)) addWeights(`kept/${name}/`, weights);
    const optimizer = await saveOptimizer(this.parts.optimizer, tensors);
    for (const [name, tensor] of this.parts.earlyStopping?.tensors() ?? []) tensors.set(name, tensor);
    const guards: GuardsState = {
      loss: this.guard.state(),
      ...(this.parts.earlyStopping === undefined ? {} : { earlyStopping: this.parts.earlyStopping.state() }),
    };
    await saveTrainingCheckpoint(
      control.checkpointDirectory,
      {
        stageKey: control.stageKey,
        step,
        position: this.position,
        random: control.ledger.states(),
        optimizer: optimizer.scalars,
        optimizerTensors: optimizer.count,
        guards,
        kept: Object.keys(kept),
        writtenAt: new Date().toISOString(),
      },
      tensors,
    );
    this.context.log.info(`checkpoint of step ${step} written to ${control.checkpointDirectory}`);
  }
}

/** Names for the weights of models a multi-model stage finished before the current one. */
export function keptTaskWeights(models: readonly { weights(): NamedWeight[] }[]): Record<string, NamedWeight[]> {
  return Object.fromEntries(models.map((model, index) => [`task-${index}`, model.weights()]));
}

/** Adam's bias-correction powers live outside getWeights(); without them a resumed step would differ slightly. */
interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

async function saveOptimizer(
  optimizer: tf.Optimizer,
  tensors: Map<string, TensorToWrite>,
): Promise<{ count: number; scalars: Record<string, number> }> {
  const weights = await optimizer.getWeights();
  weights.forEach((weight, index) => {
    tensors.set(`optimizer/${index}`, { shape: weight.tensor.shape, values: Float32Array.from(weight.tensor.dataSync()) });
  });
  // getWeights() creates the iteration scalar afresh; the moments are the optimiser's own variables.
  weights[0]?.tensor.dispose();
  const scalars: Record<string, number> = {};
  const internals = optimizer as unknown as AdamInternals;
  if (internals.accBeta1 !== undefined) scalars.accBeta1 = internals.accBeta1.dataSync()[0] as number;
  if (internals.accBeta2 !== undefined) scalars.accBeta2 = internals.accBeta2.dataSync()[0] as number;
  return { count: weights.length, scalars };
}

async function restoreOptimizer(
  optimizer: tf.Optimizer,
  scalars: Readonly<Record<string, number>>,
  count: number,
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  file: string,
): Promise<void> {
  const weights: { name: string; tensor: tf.Tensor }[] = [];
  for (let index = 0; index < count; index++) {
    const stored = tensors.get(`optimizer/${index}`);
    if (stored === undefined) throw new Error(`${file}: missing optimizer tensor ${index} of ${count}`);
    const dtype = index === 0 ? 'int32' : 'float32';
    weights.push({ name: index === 0 ? 'iter' : `optimizer/${index}`, tensor: tf.tensor(Array.from(stored.values), stored.shape, dtype) });
  }
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((weight) => weight.tensor));
  const internals = optimizer as unknown as AdamInternals;
  tf.tidy(() => {
    if (scalars.accBeta1 !== undefined) internals.accBeta1?.assign(tf.scalar(scalars.accBeta1));
    if (scalars.accBeta2 !== undefined) internals.accBeta2?.assign(tf.scalar(scalars.accBeta2));
  });
}

/** Checkpoint directory of a stage inside a run directory. */
export function checkpointDirectoryOf(runDirectory: string, stage: string): string {
  return join(runDirectory, 'checkpoints', stage);
}
