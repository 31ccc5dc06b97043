import { Injectable } from '@nestjs/common';
import type { JsonObject, JsonValue } from '#core';
import { ERASED, PersonalDataVault, type SealedValue } from '#keys';
import type { RunEvent } from './run.events.js';
import type { ActiveRunState } from './run.state.js';

/**
 * A run's data is personal data of the user who started it: its input, what its calls answered,
 * its outputs and the approval prompt rendered from them are sealed for that user before they are
 * appended, and opened only where they are used (the saga's templates, run_get, approval_list,
 * exports). Purging the user makes them read as ERASED; a run still under way then fails.
 */
@Injectable()
export class RunPersonalData {
  constructor(private readonly vault: PersonalDataVault) {}

  sealInput(tenantId: string, startedBy: string, runId: string, input: JsonObject): Promise<SealedValue> {
    return this.vault.seal(tenantId, startedBy, input, runId);
  }

  /** The events the saga appends, with their personal data sealed; `opened` learns each sealed value's plain form. */
  sealEvents(tenantId: string, state: ActiveRunState, events: RunEvent[], opened?: OpenedValues): Promise<RunEvent[]> {
    const seal = async (value: JsonValue): Promise<JsonObject> => {
      const sealed = await this.vault.sealValue(tenantId, state.startedBy, value, state.runId);
      opened?.set(sealed, value);
      return sealed;
    };
    return Promise.all(
      events.map(async (event): Promise<RunEvent> => {
        switch (event.type) {
          case 'StepSucceeded':
          case 'CompensationSucceeded':
            return { ...event, data: { ...event.data, output: await seal(event.data.output) } } as RunEvent;
          case 'RunCompleted':
            return { ...event, data: { outputs: await seal(event.data.outputs) } };
          case 'ApprovalRequested':
            return { ...event, data: { ...event.data, prompt: await seal(event.data.prompt) } };
          default:
            return event;
        }
      }),
    );
  }

  /**
   * The state with its input and step outputs opened, for the saga's templates; 'erased' once a
   * purge destroyed their key. `opened`: what this drive of the run opened already, by sealed
   * value (the state's sealed values are carried from one step to the next as they are), so a
   * drive opens each value once, not at every step; a purge is seen by the run's next drive.
   */
  async openState(tenantId: string, state: ActiveRunState, opened?: OpenedValues): Promise<ActiveRunState | 'erased'> {
    const open = async (value: JsonValue): Promise<JsonValue> => {
      const sealed = typeof value === 'object' && value !== null ? value : undefined;
      const known = sealed && opened?.get(sealed);
      if (known !== undefined) return known;
      const plain = await this.open(tenantId, state.runId, value);
      if (sealed && opened && !isErased(plain)) opened.set(sealed, plain);
      return plain;
    };
    const input = await open(state.input);
    if (isErased(input)) return 'erased';
    const steps: ActiveRunState['steps'] = {};
    for (const [id, step] of Object.entries(state.steps)) {
      const output = step.output === undefined ? undefined : await open(step.output);
      if (isErased(output)) return 'erased';
      steps[id] = { ...step, output };
    }
    return { ...state, input, steps };
  }

  open(tenantId: string, runId: string, value: JsonValue): Promise<JsonValue> {
    return this.vault.open(tenantId, value, runId);
  }
}

/** Values a drive opened, by their sealed form: one map per drive (RunWorker), never shared between drives. */
export type OpenedValues = WeakMap<object, JsonValue>;

export function isErased(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { $erased?: unknown }).$erased === ERASED.$erased;
}
