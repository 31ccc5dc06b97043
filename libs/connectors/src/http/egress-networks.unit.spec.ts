import { describe, expect, it } from '@jest/globals';
import { EgressNetworks } from './egress-networks.js';

describe('EgressNetworks', () => {
  it('allows public addresses and refuses every non-public range unless opened', () => {
    const closed = new EgressNetworks();
    for (const address of ['8.8.8.8', '93.184.216.34', '2606:4700::1111']) expect(closed.allows(address)).toBe(true);
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::ffff:7f00:1', '0:0:0:0:0:ffff:a9fe:a9fe']) {
      expect(closed.allows(address)).toBe(false);
    }
    const opened = new EgressNetworks(['10.1.0.0/16', '::1/128']);
    expect(opened.allows('10.1.2.3')).toBe(true);
    expect(opened.allows('::ffff:10.1.2.3')).toBe(true);
    expect(opened.allows('10.2.0.1')).toBe(false);
    expect(opened.allows('::1')).toBe(true);
    expect(opened.allows('169.254.169.254')).toBe(false);
  });

  it('refuses a malformed network with a typed error naming it', () => {
    for (const network of ['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'example.com/8', '']) {
      expect(() => new EgressNetworks([network])).toThrow(expect.objectContaining({ code: 'config.egress_network' }));
    }
  });

  it('checks IP-literal hosts before any connection, names later', () => {
    const closed = new EgressNetworks();
    expect(() => closed.assertLiteralAllowed('[::1]')).toThrow(expect.objectContaining({ code: 'connector.egress_refused' }));
    expect(() => closed.assertLiteralAllowed('169.254.169.254')).toThrow(expect.objectContaining({ code: 'connector.egress_refused' }));
    expect(() => closed.assertLiteralAllowed('erp.example.com')).not.toThrow();
  });
});
