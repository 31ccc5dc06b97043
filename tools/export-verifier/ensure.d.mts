// Types for the TypeScript test that runs the independent export verifier.
export const VERIFIER_SCRIPT: string;
/** The path of the cached venv's python (built when missing) and how long building it took (0 when cached). */
export function ensureExportVerifier(): { python: string; installMs: number };
