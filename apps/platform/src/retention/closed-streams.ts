import { CLOSED_RUN_STREAMS } from '#automation';
import { CLOSED_EXPORT_STREAMS, type ClosedStreamRule } from '#compliance';

/**
 * The streams event retention may archive: aggregates that are finished for good (finished runs,
 * completed exports). Every other stream (connectors, automations, memory, tenants, the
 * compliance records) is live and kept whole.
 */
export const CLOSED_STREAMS: readonly ClosedStreamRule[] = [CLOSED_RUN_STREAMS, CLOSED_EXPORT_STREAMS];
