import { decodePageCursor, encodePageCursor, INSTANT } from '../page-cursor.js';

/** Where a run stands in the list, newest first: its start time, then its start's log position (unique). */
export interface RunListPosition {
  startedAt: string;
  position: number;
}

export function encodeRunListCursor(last: RunListPosition): string {
  return encodePageCursor([last.startedAt, last.position]);
}

/** @throws ValidationError (`run.invalid_cursor`) for anything encodeRunListCursor did not make. */
export function decodeRunListCursor(cursor: string): RunListPosition {
  return decodePageCursor(cursor, 'run.invalid_cursor', ([startedAt, position, ...rest]) =>
    typeof startedAt === 'string' && INSTANT.test(startedAt) && Number.isSafeInteger(position) && (position as number) >= 0 && rest.length === 0
      ? { startedAt, position: position as number }
      : undefined);
}
