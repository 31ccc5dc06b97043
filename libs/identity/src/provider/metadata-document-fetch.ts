import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { EgressNetworks } from '#connectors';

type FetchFunction = (url: URL | string, options: RequestInit & { dispatcher?: unknown }) => Promise<Response>;

/**
 * How the authorization server fetches Client ID Metadata Documents: through the same egress
 * guard as connector calls (every address a name resolves to must be public, or inside a network
 * the operator opened for development), with oidc-provider's own limits on top (2.5 s, 5 KiB,
 * https only, no redirects, cached within bounds).
 */
export function metadataDocumentFetch(openNetworks: readonly string[]): FetchFunction {
  const networks = new EgressNetworks(openNetworks);
  let dispatcher: Dispatcher | undefined;
  return async (url, options) => {
    networks.assertLiteralAllowed(new URL(String(url)).hostname);
    dispatcher ??= networks.dispatcher();
    const { dispatcher: _libraryDispatcher, ...rest } = options;
    return (await undiciFetch(String(url), { ...(rest as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as Response;
  };
}
