import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { AUTOMATION_NAME_PATTERN, type AutomationDefinition } from '../definition/index.js';
import type { AutomationPublished } from './automation.events.js';
import { automationStreamId } from './automation-stream.js';
import { AUTOMATIONS_TABLE, automationsProjection } from './projections/automations.projection.js';

export interface PublishedAutomation {
  name: string;
  version: number;
  definition: AutomationDefinition;
  publishedAt: string;
}

/**
 * Published automations: the latest of each from the view (what agents may start), any exact
 * version from its stream (what a run started with). Versions are immutable, so those are cached.
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

  async latest(tenantId: string): Promise<PublishedAutomation[]> {
    await this.projector.caughtUpWith(tenantId);
    const rows = await this.db.forTenant(tenantId).all<{ name: string; version: number | string; definition: string; published_at: string }>(
      `SELECT name, version, definition, published_at FROM ${AUTOMATIONS_TABLE} WHERE tenant_id = ?`,
      [tenantId],
    );
    return rows
      .map((row) => ({ name: row.name, version: Number(row.version), definition: JSON.parse(row.definition) as AutomationDefinition, publishedAt: row.published_at }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The latest version of one automation, from the head of its stream: always current, and no
   * wait for the view (a start and every tools/call for an unknown name go through here).
   */
  async latestOf(tenantId: string, name: string): Promise<PublishedAutomation | undefined> {
    if (!AUTOMATION_NAME_PATTERN.test(name)) return undefined;
    const [head] = await this.store.readStream(tenantId, automationStreamId(name), { direction: 'backward', limit: 1 });
    if (!head || head.type !== 'AutomationPublished') return undefined;
    const { version } = (head as unknown as AutomationPublished).data;
    const definition = await this.version(tenantId, name, version);
    return definition && { name, version, definition, publishedAt: head.recordedAt };
  }

  async version(tenantId: string, name: string, version: number): Promise<AutomationDefinition | undefined> {
    const key = `${tenantId}\u0000${name}\u0000${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const [event] = await this.store.readStream(tenantId, automationStreamId(name), { fromVersion: version, limit: 1 });
    if (!event || event.type !== 'AutomationPublished') return undefined;
    const definition = (event as unknown as AutomationPublished).data.definition as unknown as AutomationDefinition;
    this.versions.set(key, definition);
    return definition;
  }
}
