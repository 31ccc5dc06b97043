import type { ReadinessChecks } from './instance.js';

/** Whether this process is ready for work, check by check; ready when every check is `ok`. */
export interface Readiness {
  ready: boolean;
  checks: ReadinessChecks;
}

/** The process's own readiness, as its /readyz answers it: the app binds it (its drain state and stores are the app's). */
export interface ReadinessProbe {
  check(): Promise<Readiness>;
}

export const READINESS_PROBE = Symbol('READINESS_PROBE');
