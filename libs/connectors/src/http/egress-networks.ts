import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ForbiddenError, ValidationError } from '#core';
import { Agent } from 'undici';

/**
 * Addresses that are not the public internet: loopback, private (RFC 1918, unique local),
 * link-local (the cloud metadata service at 169.254.169.254 among them), carrier-grade NAT,
 * unspecified, benchmarking, multicast and reserved ranges.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

const CIDR = /^([0-9a-f.:]+)\/(\d{1,3})$/i;

/** A connector call to a non-public address the operator did not open (LEDGERLINE_EGRESS_PRIVATE_NETWORKS). */
export class EgressAddressRefusedError extends ForbiddenError {
  constructor(host: string) {
    super('connector.egress_refused', `egress to ${host} is not allowed: it is not a public address (the operator may open private networks with LEDGERLINE_EGRESS_PRIVATE_NETWORKS)`, { host });
  }
}

/**
 * Where connector calls may go beyond the tenant's allow-list of names: public addresses always,
 * non-public ones only inside the networks the operator opened. Checked on the address actually
 * connected to (after DNS, at connect time: a name that resolves, or re-resolves, to a private
 * address is refused), and on IP literals before any connection.
 */
export class EgressNetworks {
  private readonly opened = new BlockList();

  /** `networks`: CIDRs (`10.1.0.0/16`, `127.0.0.1/32`, `fd00::/8`); a bad one is a ValidationError naming it. */
  constructor(readonly networks: readonly string[] = []) {
    for (const network of networks) {
      const match = CIDR.exec(network.trim());
      const family = match ? isIP(match[1]!) : 0;
      const prefix = match ? Number(match[2]) : -1;
      if (!match || family === 0 || prefix > (family === 4 ? 32 : 128)) throw new ValidationError('config.egress_network', `not a network in CIDR notation: ${network}`);
      this.opened.addSubnet(match[1]!, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  allows(address: string): boolean {
    const v4 = mappedIpv4(address);
    const [ip, type] = v4 ? [v4, 'ipv4' as const] : [address, isIP(address) === 6 ? ('ipv6' as const) : ('ipv4' as const)];
    return !NON_PUBLIC.check(ip, type) || this.opened.check(ip, type);
  }

  /** Refuses an IP-literal host outside what is allowed; names are checked when they are resolved. */
  assertLiteralAllowed(hostname: string): void {
    const bare = hostname.replace(/^\[|\]$/g, '');
    if (isIP(bare) !== 0 && !this.allows(bare)) throw new EgressAddressRefusedError(hostname);
  }

  /** An HTTP dispatcher whose DNS lookups refuse non-public answers (every address of the answer is checked). */
  dispatcher(): Agent {
    return new Agent({
      connect: {
        lookup: (hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
          dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
            if (error) return callback(error, '');
            const refused = addresses.find((answer) => !this.allows(answer.address));
            if (refused || addresses.length === 0) return callback(new EgressAddressRefusedError(hostname), '');
            const wantsAll = (options as { all?: boolean }).all === true;
            return wantsAll ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family);
          });
        },
      },
    });
  }
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:10.0.0.1`, or `::ffff:a00:1` as URLs write it), else undefined. */
function mappedIpv4(address: string): string | undefined {
  const match = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(address);
  if (!match || isIP(address) !== 6) return undefined;
  const tail = match[1]!;
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex) return undefined;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
