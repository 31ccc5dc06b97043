import { IllegalStateError } from '#core';
import { SECRET_PLACEHOLDER, type ConnectorAuth } from './connector-definition.js';
import { isHeaderValue } from './http-syntax.js';

export type RenderedAuth =
  | { placement: 'none' }
  | { placement: 'header'; name: string; value: string }
  | { placement: 'query'; name: string; value: string };

/**
 * Puts the secret into the connector's auth template. Errors name the connector's auth setting,
 * never the secret; a secret fetch would refuse in a header is caught here, because fetch's own
 * error quotes the header value.
 */
export function renderConnectorAuth(auth: ConnectorAuth | undefined, secret: string | undefined): RenderedAuth {
  if (!auth) return { placement: 'none' };
  if (secret === undefined || secret === '') {
    throw new IllegalStateError('connector.secret_missing', `the connector needs a secret for its ${auth.placement} ${auth.name}, and none is stored`, {
      placement: auth.placement,
      name: auth.name,
    });
  }
  // split/join rather than replace(): a '$&' or '$1' inside the secret must stay literal.
  const value = auth.template.split(SECRET_PLACEHOLDER).join(secret);
  if (auth.placement === 'header' && !isHeaderValue(value)) {
    throw new IllegalStateError('connector.secret_invalid', `the connector secret cannot be sent in header ${auth.name}: it contains CR, LF, NUL or non-Latin-1 characters`, {
      placement: auth.placement,
      name: auth.name,
    });
  }
  return { placement: auth.placement, name: auth.name, value };
}
