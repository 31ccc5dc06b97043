/** GET /v1/automations: the latest version of each (`publishedBy` once the list gives it). */
export interface AutomationSummary {
  name: string;
  version: number;
  title: string;
  scope: string;
  publishedAt: string;
  publishedBy?: string | null;
}

export interface AutomationVersion {
  version: number;
  publishedAt: string;
  publishedBy?: string | null;
}

/** GET /v1/automations/{name}[?version=N]: its versions, and the definition of the one asked (the latest by default). */
export interface AutomationDetails {
  name: string;
  versions: AutomationVersion[];
  definition: unknown;
  /** The version `definition` is, when the answer says it. */
  version?: number;
  nextCursor?: string | null;
}

/** POST /v1/automations. */
export interface PublishResult {
  name: string;
  version: number;
  changed: boolean;
  tool: string;
  scope: string;
}

/** Automation names (the platform's pattern): anything else in a URL is not one, and never reaches the API. */
export const AUTOMATION_NAME = /^[a-z][a-z0-9_]{2,47}$/;
