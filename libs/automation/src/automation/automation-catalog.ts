import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, loadStream, type EventStore } from '#event-store';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { AUTOMATION_NAME_PATTERN, type AutomationDefinition } from '../definition/index.js';
import type { SuccessCriteria } from '../shadow/success-criteria.js';
import type { AutomationPublished } from './automation.events.js';
import { automationFold } from './automation.state.js';
import { automationScope, automationStreamId } from './automation-stream.js';
import { AUTOMATIONS_TABLE, automationsProjection } from './projections/automations.projection.js';

/** The shadow version running beside the live one, and what its promotion requires. */
export interface ShadowOf {
  version: number;
  criteria: SuccessCriteria;
}

/** An automation as starts see it: its live version, and the shadow each run started now is compared with. */
export interface LiveAutomation {
  name: string;
  version: number;
  definition: AutomationDefinition;
  shadow: ShadowOf | null;
}

export interface PublishedAutomation extends LiveAutomation {
  publishedAt: string;
  /** When the shadow version was published. */
  shadowPublishedAt: string | null;
}

interface AutomationRow {
  name: string;
  version: number | string;
  definition: string;
  published_at: string;
  shadow_version: number | string | null;
  shadow_criteria: string | null;
  shadow_published_at: string | null;
}

/**
 * Published automations: the live version of each from the view (what agents may start), any
 * exact version from its stream (what a run started with). Versions are immutable, so those are
 * cached.
 */
@Injectable()
export class AutomationCatalog {
  private readonly projector: Projector;
  private readonly versions = new Map<string, AutomationDefinition>();

  constructor(
    registry: ProjectorRegistry,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.projector = registry.register(automationsProjection);
  }

  async live(tenantId: string): Promise<PublishedAutomation[]> {
    await this.projector.caughtUpWith(tenantId);
    const rows = await this.db.forTenant(tenantId).all<AutomationRow>(
      `SELECT name, version, definition, published_at, shadow_version, shadow_criteria, shadow_published_at FROM ${AUTOMATIONS_TABLE} WHERE tenant_id = ?`,
      [tenantId],
    );
    return rows
      .map((row) => ({
        name: row.name, version: Number(row.version), definition: JSON.parse(row.definition) as AutomationDefinition, publishedAt: row.published_at,
        shadow: row.shadow_version === null ? null : { version: Number(row.shadow_version), criteria: JSON.parse(row.shadow_criteria!) as SuccessCriteria },
        shadowPublishedAt: row.shadow_published_at,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The live version of one automation and its shadow, from its stream (the cached state plus
   * its tail): always current, and no wait for the view (a start and every tools/call for an
   * unknown name go through here).
   */
  async liveOf(tenantId: string, name: string): Promise<LiveAutomation | undefined> {
    if (!AUTOMATION_NAME_PATTERN.test(name)) return undefined;
    const { state } = await loadStream(this.store, tenantId, automationStreamId(name), automationFold);
    if (state.liveVersion === 0) return undefined;
    const definition = await this.version(tenantId, name, state.liveVersion);
    return definition && { name, version: state.liveVersion, definition, shadow: state.shadow && { version: state.shadow.version, criteria: state.shadow.criteria } };
  }

  async version(tenantId: string, name: string, version: number): Promise<AutomationDefinition | undefined> {
    const key = `${tenantId}\u0000${name}\u0000${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    // Version n is the stream's n-th event unless promotions came before it, which push it further on.
    const published = (event: { type: string } | undefined): boolean => event?.type === 'AutomationPublished' && (event as unknown as AutomationPublished).data.version === version;
    const [first] = await this.store.readStream(tenantId, automationStreamId(name), { fromVersion: version, limit: 1 });
    const event = published(first) ? first : (await this.store.readStream(tenantId, automationStreamId(name), { fromVersion: version })).find(published);
    if (!event) return undefined;
    const definition = (event as unknown as AutomationPublished).data.definition as unknown as AutomationDefinition;
    this.versions.set(key, definition);
    return definition;
  }
}

export type AutomationSummary = Pick<PublishedAutomation, 'name' | 'version' | 'publishedAt'> & {
  title: string;
  /** The scope a token needs to call it. */
  scope: string;
  shadow: { version: number; publishedAt: string; successCriteria: SuccessCriteria } | null;
};

/** How automation_list and GET /v1/automations show one automation: its live version, and its shadow. */
export function automationSummary({ name, version, definition, publishedAt, shadow, shadowPublishedAt }: PublishedAutomation): AutomationSummary {
  return {
    name, version, title: definition.title, scope: automationScope(name), publishedAt,
    shadow: shadow && { version: shadow.version, publishedAt: shadowPublishedAt ?? publishedAt, successCriteria: shadow.criteria },
  };
}
