import type { DomainEvent } from '#core';

/** A tenant-managed approver group's members (user ids), replaced whole; no members removes the group. */
export type GroupMembersSet = DomainEvent<'GroupMembersSet', { group: string; members: string[] }>;

export type GroupEvent = GroupMembersSet;
