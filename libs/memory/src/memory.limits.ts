export const MEMORY_LIMITS = {
  /** Serialised JSON of one value. */
  maxValueBytes: 64 * 1024,
  maxItemsPerNamespace: 1000,
  maxKeyLength: 200,
} as const;

export const MEMORY_KEY = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/;
export const MEMORY_NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
