import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { replaceDirectory, findDirectory } from '../run/replaceDirectory.ts';
import { writeFileAtomic } from '../run/writeFileAtomic.ts';
import { ensureDiskSpace } from './ensureDiskSpace.ts';
import { verifyManifest, writeManifest } from './manifest.ts';
import { readSafetensors, type SafetensorsTensor } from './readSafetensors.ts';
import { writeSafetensors, type TensorToWrite } from './writeSafetensors.ts';

const STATE_FILE = 'state.json';
const TENSORS_FILE = 'tensors.safetensors';

/** Data position at a checkpoint: the model being trained (0 for single-model stages), the epoch and the batches consumed in it. */
export interface DataPosition {
  readonly task: number;
  readonly epoch: number;
  readonly batch: number;
}

/** The JSON part of a training checkpoint; tensors live in `tensors.safetensors`. */
export interface CheckpointState {
  /** Cache key of the stage; a checkpoint of other settings, inputs or code is not resumed. */
  readonly stageKey: string;
  /** Optimiser steps done in the current task. */
  readonly step: number;
  readonly position: DataPosition;
  /** States of the stage's random streams in creation order (RandomLedger). */
  readonly random: readonly number[];
  /** Scalars of the optimiser that are not tensors in getWeights(), such as Adam's beta powers. */
  readonly optimizer: Readonly<Record<string, number>>;
  /** Number of optimiser weight tensors saved as `optimizer/<index>`. */
  readonly optimizerTensors: number;
  /** Loss guard and early-stopping state. */
  readonly guards: unknown;
  /** Names of finished outputs whose weights are saved as `kept/<name>/...` (snapshots, finished models). */
  readonly kept: readonly string[];
  readonly writtenAt: string;
}

/** A checkpoint read back and verified. */
export interface LoadedCheckpoint {
  readonly directory: string;
  readonly state: CheckpointState;
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly tensorsFile: string;
}

/**
 * Writes a checkpoint directory: the tensors, the JSON state and a manifest
 * with each file's size and SHA-256. Everything goes to a temporary directory
 * that replaces the previous checkpoint only once complete, and free disk
 * space is checked first.
 */
export async function saveTrainingCheckpoint(
  directory: string,
  state: CheckpointState,
  tensors: ReadonlyMap<string, TensorToWrite>,
): Promise<void> {
  let bytes = 1 << 20;
  for (const tensor of tensors.values()) bytes += tensor.values.byteLength;
  ensureDiskSpace(directory, bytes, `the checkpoint of step ${state.step}`);
  const temporary = `${directory}.tmp-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  await writeSafetensors(join(temporary, TENSORS_FILE), tensors);
  writeFileAtomic(join(temporary, STATE_FILE), `${JSON.stringify(state)}\n`);
  writeManifest(temporary);
  replaceDirectory(temporary, directory);
}

/** Reads and verifies a checkpoint; undefined when there is none. Raises CorruptCheckpointError for damaged files. */
export async function loadTrainingCheckpoint(target: string): Promise<LoadedCheckpoint | undefined> {
  const directory = findDirectory(target);
  if (directory === undefined) return undefined;
  verifyManifest(directory);
  const state = JSON.parse(readFileSync(join(directory, STATE_FILE), 'utf8')) as CheckpointState;
  const tensorsFile = join(directory, TENSORS_FILE);
  const file = await readSafetensors(tensorsFile);
  return { directory, state, tensors: file.tensors, tensorsFile };
}
