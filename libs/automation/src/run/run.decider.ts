import type { Decider } from '#core';
import type { RunEvent } from './run.events.js';
import { runFold, type RunState } from './run.state.js';

/** One decider shape for every run command: they differ in `decide` only. */
export function runDecider<Command>(decide: (command: Command, state: RunState) => RunEvent[]): Decider<Command, RunState, RunEvent> {
  return { ...runFold, decide };
}
