/** Who the saga's own events and commands name as their author: the platform, not a user. */
export const SAGA_CLIENT = 'ledgerline-saga';
