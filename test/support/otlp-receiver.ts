import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as an OTLP/HTTP JSON export carries it, ids in hex, attributes flattened. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export interface OtlpReceiver {
  /** http://127.0.0.1:<port>: the OTEL_EXPORTER_OTLP_ENDPOINT to give. */
  url: string;
  spans: ReceivedSpan[];
  /** Every export body, as received. */
  payloads: string[];
  /** Polls until `found` returns something (not undefined, not false, not an empty list). */
  waitFor<T>(found: (spans: ReceivedSpan[]) => T, timeoutMs?: number): Promise<NonNullable<T>>;
  close(): Promise<void>;
}

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface OtlpAttribute { key: string; value: OtlpValue }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[]; status?: { code?: number } }
interface OtlpExport { resourceSpans: Array<{ resource?: { attributes?: OtlpAttribute[] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> }

/** OTLP/JSON ids are hex; base64 (the protobuf mapping's JSON form) is turned into hex too. */
function hexId(id: string | undefined, bytes: number): string | undefined {
  if (!id) return undefined;
  return id.length === bytes * 2 ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

function valueOf(value: OtlpValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue ?? '';
}

function flatten(attributes: OtlpAttribute[] = []): Record<string, string | number | boolean> {
  return Object.fromEntries(attributes.map((attribute) => [attribute.key, valueOf(attribute.value)]));
}

/** A minimal OTLP/HTTP traces receiver (JSON) on loopback, for system tests: the exporter's far end. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const payloads: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !(req.headers['content-type'] ?? '').includes('json')) {
        res.writeHead(415).end();
        return;
      }
      payloads.push(body);
      for (const resource of (JSON.parse(body) as OtlpExport).resourceSpans) {
        const service = String(flatten(resource.resource?.attributes)['service.name'] ?? '');
        for (const scope of resource.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({
              service, name: span.name, kind: span.kind, statusCode: span.status?.code ?? 0, attributes: flatten(span.attributes),
              traceId: hexId(span.traceId, 16)!, spanId: hexId(span.spanId, 8)!, parentSpanId: hexId(span.parentSpanId, 8),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    payloads,
    async waitFor<T>(found: (spans: ReceivedSpan[]) => T, timeoutMs = 20_000): Promise<NonNullable<T>> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = found(spans);
        if (result !== undefined && result !== null && result !== false && !(Array.isArray(result) && result.length === 0)) return result as NonNullable<T>;
        if (Date.now() > deadline) throw new Error(`spans not received within ${timeoutMs} ms; got: ${spans.map((span) => `${span.service}:${span.name}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
