/** A policy's name: what its Cedar ids and the report name it by. */
export const POLICY_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
/** Bytes of Cedar text per policy: policies are read on every call of their tenant. */
export const MAX_POLICY_TEXT_BYTES = 16 * 1024;
export const MAX_POLICIES_PER_TENANT = 100;
