import { Inject, Injectable } from '@nestjs/common';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { CONNECTORS_TABLE, connectorsProjection } from './connectors.projection.js';

export interface ConnectorHealth {
  status: 'unknown' | 'healthy' | 'failing';
  callsOk: number;
  callsFailed: number;
  consecutiveFailures: number;
  lastCallAt: string | null;
  lastStatus: number | null;
  lastErrorClass: string | null;
}

export interface ConnectorSummary {
  name: string;
  description: string;
  hasSecret: boolean;
  health: ConnectorHealth;
}

interface ConnectorRow {
  name: string;
  description: string;
  secret_version: number | string;
  calls_ok: number | string;
  calls_failed: number | string;
  consecutive_failures: number | string;
  last_call_at: string | null;
  last_status: number | string | null;
  last_error_class: string | null;
}

/** Connectors of the caller's tenant as agents may see them; reads wait for the caller's own writes. */
@Injectable()
export class ConnectorViews {
  private readonly projector: Projector;

  constructor(
    registry: ProjectorRegistry,
    @Inject(VIEW_DB) private readonly db: ViewDb,
  ) {
    this.projector = registry.register(connectorsProjection);
  }

  async list(tenantId: string): Promise<ConnectorSummary[]> {
    await this.projector.caughtUpWith(tenantId);
    const rows = await this.db.forTenant(tenantId).all<ConnectorRow>(`SELECT * FROM ${CONNECTORS_TABLE} WHERE tenant_id = ?`, [tenantId]);
    return rows.map(toSummary).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async names(tenantId: string): Promise<Set<string>> {
    return new Set((await this.list(tenantId)).map((connector) => connector.name));
  }
}

function toSummary(row: ConnectorRow): ConnectorSummary {
  const callsOk = Number(row.calls_ok);
  const callsFailed = Number(row.calls_failed);
  const consecutiveFailures = Number(row.consecutive_failures);
  return {
    name: row.name,
    description: row.description,
    hasSecret: Number(row.secret_version) > 0,
    health: {
      status: callsOk + callsFailed === 0 ? 'unknown' : consecutiveFailures >= 3 ? 'failing' : 'healthy',
      callsOk,
      callsFailed,
      consecutiveFailures,
      lastCallAt: row.last_call_at,
      lastStatus: row.last_status === null ? null : Number(row.last_status),
      lastErrorClass: row.last_error_class,
    },
  };
}
