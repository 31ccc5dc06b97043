/**
 * A tenant's approver groups, all in one stream: a decision reads it whole to learn the decider's
 * groups at that moment (no view to wait for), and lists change rarely, so one stream costs no contention.
 */
export const APPROVER_GROUPS_STREAM = 'approver-groups';

/** Manage the tenant's approver groups (who may decide approvals offered to a group). */
export const GROUPS_ADMIN_SCOPE = 'groups:admin';
/** See the tenant's approver groups and their members. */
export const GROUPS_READ_SCOPE = 'groups:read';

/** At most this many members per group, and groups per tenant: lists a person keeps by hand. */
export const MAX_GROUP_MEMBERS = 500;
/** A member's user id: the sub of their tokens, without whitespace or control characters (a source both JavaScript and the OpenAPI document's readers take). */
export const USER_ID_PATTERN = '^[^\\s\\x00-\\x1f\\x7f-\\x9f]{1,200}$';
export const MAX_GROUPS = 200;
