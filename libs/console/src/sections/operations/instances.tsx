import type { VNode } from 'preact';
import { Empty, StatusTag, TableRegion, Time } from '../../pages/components.js';
import type { PageContext, PageResult } from '../../pages/page.js';
import { livePage } from '../../pages/live-region.js';
import { OperationsHead } from './operations-nav.js';
import type { Instance } from './operations.types.js';

const ROLES: Record<Instance['role'], string> = { platform: 'Platform (all in one)', api: 'API', worker: 'Worker' };

function Checks({ checks }: { checks: Record<string, string> }): VNode {
  const entries = Object.entries(checks);
  if (entries.length === 0) return <span class="ll-muted">–</span>;
  return <ul class="ll-scopes">{entries.map(([name, state]) => <li>{name}: {state === 'ok' ? 'ok' : <span class="ll-error-text ll-strong">{state}</span>}</li>)}</ul>;
}

function InstancesTable({ instances }: { instances: readonly Instance[] }): VNode {
  if (instances.length === 0) return <Empty>No process has registered itself yet.</Empty>;
  const running = instances.filter((instance) => instance.status === 'running').length;
  const stale = instances.filter((instance) => instance.status === 'stale').length;
  return (
    <>
      <p>{running} of {instances.length} running{stale > 0 && `; ${stale} silent for more than three heartbeats (killed, frozen or cut off from the store)`}.</p>
      <TableRegion label="Instances">
        <table>
          <caption class="ll-visually-hidden">Instances by role, the oldest first</caption>
          <thead><tr><th scope="col">Instance</th><th scope="col">Status</th><th scope="col">Checks</th><th scope="col">Host and process</th><th scope="col">Started</th><th scope="col">Last heartbeat</th></tr></thead>
          <tbody>
            {instances.map((instance) => (
              <tr>
                <td><span class="ll-strong">{ROLES[instance.role] ?? instance.role}</span><br /><code class="ll-small ll-id">{instance.instanceId}</code></td>
                <td>
                  <StatusTag status={instance.status} />
                  <br /><span class="ll-small">{instance.ready ? 'ready' : <span class="ll-error-text">not ready</span>}</span>
                  {instance.stoppedAt && <><br /><span class="ll-small">stopped <Time at={instance.stoppedAt} /></span></>}
                </td>
                <td><Checks checks={instance.checks} /></td>
                <td><span class="ll-id">{instance.host}</span><br /><span class="ll-small">pid {instance.pid}, version {instance.version}</span></td>
                <td><Time at={instance.startedAt} /></td>
                <td><Time at={instance.lastSeenAt} /><br /><span class="ll-small ll-muted">every {instance.heartbeatMs / 1000} s</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}

export async function instancesPage(context: PageContext): Promise<PageResult> {
  const { instances } = await context.api.get<{ instances: Instance[] }>('/v1/admin/instances');
  return livePage(context, {
    id: 'instances-live',
    title: 'Instances',
    head: <OperationsHead current="instances">Every process of the installation as it last reported itself: a graceful stop says so, a process that goes silent turns stale. The page follows them every two seconds.</OperationsHead>,
    content: <InstancesTable instances={instances} />,
  });
}
