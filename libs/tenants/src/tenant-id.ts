/** A tenant id as the registry accepts it: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit. */
export const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
