// Types for the TypeScript test that runs schemathesis.
export const SCHEMATHESIS_VERSION: string;
export function schemathesisCacheDir(): string;
/** The path of `st` in the cached venv (built when missing) and how long building it took (0 when cached). */
export function ensureSchemathesis(): { st: string; installMs: number };
