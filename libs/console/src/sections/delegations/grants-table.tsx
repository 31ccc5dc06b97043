import type { VNode } from 'preact';
import { CONSOLE_CLIENT_ID, humanDuration } from '#identity';
import { TableRegion, Time } from '../../pages/components.js';
import { clientLabel, clientNameOf, disableHref, revokeHref, type Delegation, type GrantScope } from './delegation-links.js';

interface GrantsTableProps {
  grants: readonly Delegation[];
  scope: GrantScope;
  /** The grant this console session runs on: revoking it signs the person out. */
  sessionGrant: string | undefined;
  /** Offer to disable each grant's application for the tenant (grants:admin). */
  canDisable: boolean;
}

export function GrantsTable({ grants, scope, sessionGrant, canDisable }: GrantsTableProps): VNode {
  const tenant = scope === 'tenant';
  return (
    <TableRegion label={tenant ? "The tenant's grants" : 'Your grants'}>
      <table>
        <caption class="ll-visually-hidden">{tenant ? "The tenant's grants, newest first" : 'Applications you allowed to act for you, newest first'}</caption>
        <thead>
          <tr>
            {tenant && <th scope="col">Person</th>}
            <th scope="col">Application</th>
            <th scope="col">Scopes</th>
            <th scope="col">Allowed</th>
            <th scope="col">Ends at the latest</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {grants.map((grant) => (
            <tr>
              {tenant && <td>{grant.userId}</td>}
              <td>
                <span class="ll-strong">{clientNameOf(grant) ?? 'Unnamed application'}</span>
                {grant.grantId === sessionGrant && <> <span class="ll-tag">This console, now</span></>}
                <br />
                <code class="ll-small ll-id">{grant.clientId}</code>
              </td>
              <td>
                <ul class="ll-scopes">
                  {grant.scopes.map((scope) => <li><code>{scope}</code></li>)}
                </ul>
                <span class="ll-small ll-muted">Each access lasts up to {humanDuration(grant.lifetimes.accessTokenSeconds)}</span>
              </td>
              <td><Time at={grant.issuedAt} /></td>
              <td>{grant.expiresAt === null ? <span class="ll-muted">No fixed end</span> : <Time at={grant.expiresAt} />}</td>
              <td>{grant.lastUsedAt === null ? <span class="ll-muted">Not used yet</span> : <Time at={grant.lastUsedAt} />}</td>
              <td>
                <ul class="ll-row-actions">
                  <li>
                    <a href={revokeHref(scope, grant)}>
                      Revoke<span class="ll-visually-hidden"> access of {clientLabel(grant)}{tenant ? ` for ${grant.userId}` : ''}</span>
                    </a>
                  </li>
                  {canDisable && grant.clientId !== CONSOLE_CLIENT_ID && (
                    <li>
                      <a href={disableHref(grant.clientId)}>
                        Disable<span class="ll-visually-hidden"> {clientLabel(grant)}</span> for the tenant
                      </a>
                    </li>
                  )}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
