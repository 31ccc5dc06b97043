import type { ConnectorSummary } from '#connectors/nest';
import { errorBody } from '../pages/error.page.js';
import { page, type PageContext, type PageResult } from '../pages/page.js';
import { namedInList, notFound } from './name-page.js';

export const CONNECTORS_ADMIN = 'connectors:admin';

export const connectorHref = (name: string): string => `/console/connectors/${encodeURIComponent(name)}`;

export async function listConnectors(context: PageContext): Promise<ConnectorSummary[]> {
  return (await context.api.get<{ connectors: ConnectorSummary[] }>('/v1/connectors')).connectors;
}

/** The tenant's connector of the address, or undefined. */
export const connectorOf = (context: PageContext): Promise<ConnectorSummary | undefined> => namedInList(context, listConnectors);

export { notFound };


/** A form that changes connectors, for someone who may only look: not shown (the API refuses its POST anyway). */
export const adminOnly = (): PageResult => page('Not allowed', errorBody(`Changing connectors needs ${CONNECTORS_ADMIN}, which your sign-in does not hold.`), 403);
