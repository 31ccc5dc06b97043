import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a client publishes its Client ID Metadata Document: an https server on 127.0.0.1 with a
 * certificate made for this run. A CIMD client_id must be an https URL, and the authorization
 * server must trust the certificate: start the platform with NODE_EXTRA_CA_CERTS=`caFile` (and
 * LEDGERLINE_CIMD_PRIVATE_NETWORKS opening loopback).
 */
export interface ClientMetadataServer {
  /** https://127.0.0.1:<port> */
  origin: string;
  /** The self-signed certificate (PEM), to be trusted by whoever fetches the documents. */
  caFile: string;
  /** Serves `document` at `path`, with `client_id` set to its own URL; returns that URL. */
  publish(path: string, document: Record<string, unknown>): string;
  /** Serves `body` as it is at `path` (malformed or oversized documents); returns the URL. */
  publishRaw(path: string, body: string): string;
  /** Paths fetched so far, in order. */
  fetched: string[];
  close(): Promise<void>;
}

export async function startClientMetadataServer(): Promise<ClientMetadataServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-cimd-'));
  const { key, cert, caFile } = selfSignedCertificate(dir);
  const documents = new Map<string, string>();
  const fetched: string[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
    fetched.push(path);
    const document = documents.get(path);
    res.writeHead(document ? 200 : 404, { 'content-type': 'application/json' }).end(document ?? '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    caFile,
    fetched,
    publish(path, document) {
      const clientId = `${origin}${path}`;
      documents.set(path, JSON.stringify({ ...document, client_id: clientId }));
      return clientId;
    },
    publishRaw(path, body) {
      documents.set(path, body);
      return `${origin}${path}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A P-256 key and a one-day certificate for IP 127.0.0.1, made by the openssl CLI: node:crypto
 * makes keys but not certificates, and the repository has no other TLS fixture. Throws (the test
 * fails) when openssl is missing.
 */
function selfSignedCertificate(dir: string): { key: Buffer; cert: Buffer; caFile: string } {
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', caFile,
  ], { encoding: 'utf8' });
  if (made.error || made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.error?.message ?? made.stderr}`);
  return { key: readFileSync(keyFile), cert: readFileSync(caFile), caFile };
}
