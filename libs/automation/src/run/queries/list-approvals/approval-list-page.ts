import { z } from 'zod';
import { APPROVAL_ID_PATTERN } from '../../run-stream.js';
import { decodePageCursor, encodePageCursor, INSTANT } from '../page-cursor.js';

export const MAX_APPROVAL_PAGE = 100;

/** A page of pending approvals, as approval_list and GET /v1/approvals take it; without a limit, as many as a page holds. */
export const approvalListInput = z.strictObject({
  limit: z.number().int().min(1).max(MAX_APPROVAL_PAGE).default(MAX_APPROVAL_PAGE),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page (opaque)'),
});

/** Where an approval stands in the list, oldest first: when it was requested, then its id. */
export interface ApprovalListPosition {
  requestedAt: string;
  approvalId: string;
}

const APPROVAL_ID = new RegExp(APPROVAL_ID_PATTERN);

/** The page RunViews.approvalsFor reads. @throws ValidationError (`approval.invalid_cursor`). */
export function approvalPageOf({ limit, cursor }: z.infer<typeof approvalListInput>): { limit: number; after?: ApprovalListPosition } {
  return { limit, ...(cursor !== undefined && { after: decodeApprovalListCursor(cursor) }) };
}

export function encodeApprovalListCursor(last: ApprovalListPosition): string {
  return encodePageCursor([last.requestedAt, last.approvalId]);
}

/** @throws ValidationError (`approval.invalid_cursor`) for anything encodeApprovalListCursor did not make. */
export function decodeApprovalListCursor(cursor: string): ApprovalListPosition {
  return decodePageCursor(cursor, 'approval.invalid_cursor', ([requestedAt, approvalId, ...rest]) =>
    typeof requestedAt === 'string' && INSTANT.test(requestedAt) && typeof approvalId === 'string' && APPROVAL_ID.test(approvalId) && rest.length === 0
      ? { requestedAt, approvalId }
      : undefined);
}
