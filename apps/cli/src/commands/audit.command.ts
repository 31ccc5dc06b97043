import { IllegalStateError } from '#core';
import { auditEntriesProjection, parseAuditFilter, queryAuditEntries, type AuditEntry } from '#audit';
import { assertTenantId } from '#event-store';
import type { ViewDb } from '#projections';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { withStores } from '../stores.js';

interface AuditOptions {
  tenant: string;
  user?: string;
  tool?: string;
  type?: string;
  scope?: string;
  connector?: string;
  automation?: string;
  stream?: string;
  from?: string;
  to?: string;
  cursor?: string;
  order?: string;
  limit?: string;
  json?: boolean;
}

/**
 * `ledgerline audit`: the tenant's audit trail from the audit_entries view the platform keeps,
 * with the filters, paging and validation of the audit_query tool and GET /v1/audit.
 */
export function auditCommand(io: CliIo): Command {
  return new Command('audit')
    .description("the tenant's audit trail, newest first (the view the platform keeps)")
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--user <id>', 'only what this user did')
    .option('--tool <name>', 'only calls of this tool')
    .option('--type <type>', 'only events of this type; a trailing * makes it a prefix ("Step*")')
    .option('--scope <scope>', 'only calls made under this scope')
    .option('--connector <name>', 'only events that touched this connector')
    .option('--automation <name>', 'only events of this automation and its runs')
    .option('--stream <stream-id>', 'only events of this stream')
    .option('--from <iso-time>', 'recorded at or after')
    .option('--to <iso-time>', 'recorded before (exclusive)')
    .option('--cursor <cursor>', 'the next cursor the previous page printed')
    .option('--order <desc|asc>', 'desc: newest first (default); asc: oldest first')
    .option('--limit <n>', 'entries per page, 1-500 (default 50)')
    .option('--json', 'print JSON')
    .action((options: AuditOptions) => {
      assertTenantId(options.tenant);
      const filter = parseAuditFilter({
        userId: options.user, tool: options.tool, type: options.type, scope: options.scope, connector: options.connector,
        automation: options.automation, streamId: options.stream, from: options.from, to: options.to, cursor: options.cursor,
        order: options.order, limit: options.limit === undefined ? undefined : /^\d{1,6}$/.test(options.limit) ? Number(options.limit) : options.limit,
      });
      return withStores(io, async ({ store, views }) => {
        const lag = await viewLag(views, await store.headPosition(options.tenant));
        if (lag) io.stderr.write(`ledgerline: warning: ${lag}\n`);
        const page = await queryAuditEntries(views.forTenant(options.tenant), options.tenant, filter);
        if (options.json) io.stdout.write(`${JSON.stringify(page)}\n`);
        else io.stdout.write(`${[...page.entries.map(describe), ...(page.entries.length === 0 ? ['no audit entries match'] : []), ...(page.nextCursor ? [`more: --cursor ${page.nextCursor}`] : [])].join('\n')}\n`);
      });
    });
}

/** The view is the platform's: say when it is missing, of another version, or behind the tenant's log. */
async function viewLag(views: ViewDb, head: number): Promise<string | undefined> {
  let meta: { version: number | string; position: number | string } | undefined;
  try {
    [meta] = await views.all<{ version: number | string; position: number | string }>('SELECT version, position FROM ll_projections WHERE name = ?', [auditEntriesProjection.name]);
  } catch {
    meta = undefined;
  }
  if (!meta || Number(meta.version) !== auditEntriesProjection.version) {
    throw new IllegalStateError('cli.audit.no_view', 'the audit view of this version is not built yet: start the platform of this version (it builds its views), then retry');
  }
  const position = Number(meta.position);
  return position < head ? `the audit view is at position ${position}, the tenant's log at ${head}: recent events may be missing (is the platform running?)` : undefined;
}

function describe(entry: AuditEntry): string {
  const touched = [entry.connector && `connector ${entry.connector}`, entry.automation && `automation ${entry.automation}`, entry.runId && `run ${entry.runId}`].filter(Boolean).join(', ');
  return `${entry.recordedAt}  #${entry.position}  ${entry.type}  ${entry.streamId} v${entry.streamVersion}  by ${entry.userId ?? '-'}${entry.tool ? ` via ${entry.tool}` : ''}${touched ? `  (${touched})` : ''}`;
}
