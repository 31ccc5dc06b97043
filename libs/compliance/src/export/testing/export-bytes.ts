import { generateKeyPairSync } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ExportSigner } from '../../signing/export-signing-key.js';
import { ExportSigningKey } from '../../signing/export-signing-key.js';
import type { TrustedKeys } from '../../signing/trusted-keys.js';
import { signedManifestText, type ExportManifest } from '../export-format.js';
import { verifyExport, type VerifyExportResult } from '../verify-export.js';

/** A Writable that keeps what it is given, for tests that export into memory. */
export function memorySink(): { out: PassThrough; bytes: () => Buffer } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { out, bytes: () => Buffer.concat(chunks) };
}

/** The uncompressed lines of an export, without their newlines. */
export function linesOf(file: Buffer): string[] {
  return gunzipSync(file).toString('utf8').split('\n').slice(0, -1);
}

export function gzipLines(lines: readonly string[], finalNewline = true): Buffer {
  return gzipSync(Buffer.from(lines.join('\n') + (finalNewline ? '\n' : '')));
}

export function verifyBytes(file: Buffer, trusted: TrustedKeys): Promise<VerifyExportResult> {
  return verifyExport(Readable.from([file]), trusted);
}

/** Another Ed25519 key, as a forger would have. */
export function otherSigner(): ExportSigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return ExportSigningKey.load({ pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), dataDir: '/nonexistent' });
}

/** The manifest line re-signed by `signer` after `change`: what a forger who edits the file can produce. */
export function resignManifest(line: string, signer: ExportSigner, change: (manifest: ExportManifest) => void = () => undefined): string {
  const { manifest } = JSON.parse(line) as { manifest: ExportManifest };
  change(manifest);
  return JSON.stringify({ kind: 'manifest', manifest, signature: signer.sign(signedManifestText(manifest)) });
}
