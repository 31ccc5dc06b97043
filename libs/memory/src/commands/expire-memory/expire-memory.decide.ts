import type { MemoryEvent } from '../../memory.events.js';
import type { MemoryState } from '../../memory.state.js';

/** An item the retention sweep found past its tenant's retention, as the view showed it. */
export interface ExpireMemoryDecision {
  key: string;
  /** The value's fingerprint the view held: an item put again since (another value) is not expired. */
  fingerprint: string;
  retentionDays: number;
}

/** Expires the item only if it still holds the value that was found too old; otherwise nothing. */
export function decideExpireMemory(command: ExpireMemoryDecision, state: MemoryState): MemoryEvent[] {
  if (state.items.get(command.key) !== command.fingerprint) return [];
  return [{ type: 'MemoryItemExpired', data: { key: command.key, retentionDays: command.retentionDays } }];
}
