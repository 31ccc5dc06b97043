import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { canonicalJson, chainHash, GENESIS_HASH, type RecordedEvent } from '#event-store';
import { InvalidBase64urlError } from '../signing/base64url.js';
import type { TrustedKeys } from '../signing/trusted-keys.js';
import { signedManifestText, type ExportCounts, type ExportHeaderLine, type ExportManifest, type ExportPosition, type ExportStubLine } from './export-format.js';
import { isPlainEventLine } from './export-line.fast.js';
import { describeIssue, eventLineSchema, headerLineSchema, manifestLineSchema, stubLineSchema, viewLineSchema } from './export-line.schema.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks an export one line at a time, in order: what each line must be given the lines before
 * it. `check` answers the line's problem, or undefined when it is sound.
 */
export class ExportChecker {
  private header: ExportHeaderLine | undefined;
  private section: 'header' | 'events' | 'views' | 'done' = 'header';
  private previousHash = GENESIS_HASH;
  private previousPosition: number | undefined;
  private first: ExportPosition | null = null;
  private last: ExportPosition | null = null;
  private readonly counts: ExportCounts = { events: 0, byType: {}, viewRows: 0 };
  private readonly content = createHash('sha256');
  manifest: ExportManifest | undefined;

  constructor(private readonly trustedKeys: TrustedKeys) {}

  get events(): number {
    return this.counts.events;
  }

  get viewRows(): number {
    return this.counts.viewRows;
  }

  get complete(): boolean {
    return this.section === 'done';
  }

  check(bytes: Buffer): string | undefined {
    if (this.section === 'done') return 'nothing may follow the manifest';
    let line: unknown;
    try {
      line = JSON.parse(utf8.decode(bytes));
    } catch (error) {
      return error instanceof SyntaxError ? `not JSON (${error.message})` : 'not UTF-8 text';
    }
    const kind = typeof line === 'object' && line !== null && !Array.isArray(line) ? (line as { kind?: unknown }).kind : undefined;
    if (this.section === 'header' && kind !== 'header') return 'the first line must be the header';
    let problem: string | undefined;
    switch (kind) {
      case 'header':
        problem = this.section === 'header' ? this.checkHeader(line) : 'a second header';
        break;
      case 'event':
        problem = this.checkEvent(line);
        break;
      case 'archived':
      case 'elided':
        problem = this.checkStub(line);
        break;
      case 'view':
        problem = this.checkView(line);
        break;
      case 'manifest':
        return this.checkManifest(line);
      default:
        return `unknown line kind ${JSON.stringify(kind)}`;
    }
    if (problem === undefined) this.content.update(bytes).update('\n');
    return problem;
  }

  private checkHeader(line: unknown): string | undefined {
    const parsed = headerLineSchema.safeParse(line);
    if (!parsed.success) return `bad header: ${describeIssue(parsed.error)}`;
    this.header = parsed.data as ExportHeaderLine;
    this.previousHash = this.header.chainStart;
    this.section = 'events';
    return undefined;
  }

  private checkEvent(line: unknown): string | undefined {
    if (this.section !== 'events') return 'an event line after the view lines';
    if (!isPlainEventLine(line)) {
      const parsed = eventLineSchema.safeParse(line);
      if (!parsed.success) return `bad event line: ${describeIssue(parsed.error)}`;
    }
    // The line as written, not zod's copy: the hash covers exactly what the file holds.
    const event = (line as { event: RecordedEvent }).event;
    const tenantId = this.header!.tenantId;
    if (event.tenantId !== tenantId) return `an event of tenant ${event.tenantId} in the export of tenant ${tenantId}`;
    const gap = this.positionProblem(event.tenantPosition);
    if (gap !== undefined) return gap;
    if (chainHash(this.previousHash, event, canonicalJson(event.data), canonicalJson(event.metadata)) !== event.hash) return `event ${event.eventId} (tenantPosition ${event.tenantPosition}) does not match its hash: it was altered`;
    this.counts.events++;
    this.counts.byType[event.type] = (this.counts.byType[event.type] ?? 0) + 1;
    this.extendChain(event);
    return undefined;
  }

  /** A stub's hash is taken as given: the next line must link to it, so a changed stub hash breaks there (or at the signed chainHead). */
  private checkStub(line: unknown): string | undefined {
    if (this.section !== 'events') return 'a stub line after the view lines';
    const parsed = stubLineSchema.safeParse(line);
    if (!parsed.success) return `bad ${String((line as { kind: unknown }).kind)} line: ${describeIssue(parsed.error)}`;
    const stub = parsed.data as ExportStubLine;
    const gap = this.positionProblem(stub.tenantPosition);
    if (gap !== undefined) return gap;
    this.counts[stub.kind] = (this.counts[stub.kind] ?? 0) + 1;
    this.extendChain(stub);
    return undefined;
  }

  private positionProblem(tenantPosition: number): string | undefined {
    if (this.previousPosition === undefined && this.header!.chainStart === GENESIS_HASH && tenantPosition !== 1) {
      return `the export starts at the tenant's first event (chainStart is the genesis hash) but this is tenantPosition ${tenantPosition}: a line is missing`;
    }
    if (this.previousPosition !== undefined && tenantPosition !== this.previousPosition + 1) {
      return `tenantPosition ${tenantPosition} does not follow ${this.previousPosition}: a line is missing or out of order`;
    }
    return undefined;
  }

  private extendChain(link: { tenantPosition: number; globalPosition: number; hash: string }): void {
    this.previousHash = link.hash;
    this.previousPosition = link.tenantPosition;
    this.last = { tenantPosition: link.tenantPosition, globalPosition: link.globalPosition };
    this.first ??= this.last;
  }

  private checkView(line: unknown): string | undefined {
    if (!this.header!.includesViews) return 'a view line in an export whose header says it has no views';
    const parsed = viewLineSchema.safeParse(line);
    if (!parsed.success) return `bad view line: ${describeIssue(parsed.error)}`;
    if (parsed.data.row.tenant_id !== this.header!.tenantId) return `a view row of tenant ${JSON.stringify(parsed.data.row.tenant_id)} in the export of tenant ${this.header!.tenantId}`;
    this.section = 'views';
    this.counts.viewRows++;
    return undefined;
  }

  private checkManifest(line: unknown): string | undefined {
    const parsed = manifestLineSchema.safeParse(line);
    if (!parsed.success) return `bad manifest: ${describeIssue(parsed.error)}`;
    const { manifest, signature } = line as { manifest: ExportManifest; signature: string };
    const header = this.header!;
    const expected: Array<[string, unknown, unknown]> = [
      ['tenantId', manifest.tenantId, header.tenantId],
      ['createdAt', manifest.createdAt, header.createdAt],
      ['range', manifest.range, header.range],
      ['chainStart', manifest.chainStart, header.chainStart],
      ['counts', manifest.counts, this.counts],
      ['first', manifest.first, this.first],
      ['last', manifest.last, this.last],
      ['chainHead', manifest.chainHead, this.previousHash],
      ['contentSha256', manifest.contentSha256, this.content.digest('hex')],
    ];
    for (const [name, stated, found] of expected) {
      const statedJson = canonicalJson(stated as z.core.util.JSONType);
      const foundJson = canonicalJson(found as z.core.util.JSONType);
      if (statedJson !== foundJson) return `manifest ${name} is ${statedJson}, the file has ${foundJson}`;
    }
    if (!this.trustedKeys.has(manifest.keyId)) return `signed with key ${manifest.keyId}, which is not a trusted key (trusted: ${this.trustedKeys.ids.join(', ') || 'none'})`;
    const signed = this.signatureProblem(manifest, signature);
    if (signed !== undefined) return signed;
    this.manifest = manifest;
    this.section = 'done';
    return undefined;
  }

  private signatureProblem(manifest: ExportManifest, signature: string): string | undefined {
    try {
      if (this.trustedKeys.verify(manifest.keyId, signedManifestText(manifest), signature)) return undefined;
    } catch (error) {
      if (error instanceof InvalidBase64urlError) return error.message;
      throw error;
    }
    return `the signature does not verify with the trusted key ${manifest.keyId}`;
  }
}
