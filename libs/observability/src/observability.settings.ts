export interface ObservabilitySettings {
  /** When set, /metrics wants `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

export const OBSERVABILITY_SETTINGS = Symbol('OBSERVABILITY_SETTINGS');
