import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { pinoHttp } from 'pino-http';
import { logContext, pinoHttpOptions } from './logging.js';
import { prettyLogStream } from './pretty-log.js';

/** A destination that keeps what it is given. */
function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => ((text += chunk.toString()), done()) });
  return { stream, text: () => text };
}

describe.each(['json', 'pretty'] as const)('request logs (%s)', (format) => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** The middleware as loggingModule builds it for this format, writing to `out`. */
  const middlewareTo = (out: Writable) => pinoHttp(pinoHttpOptions('info'), format === 'json' ? out : prettyLogStream(false, out));

  const logged = async (): Promise<string> => {
    const out = collector();
    const middleware = middlewareTo(out.stream);
    server = createServer((req, res) => {
      middleware(req, res);
      Object.assign(logContext(req), { tenant: 'acme', user: 'alice', tool: 'memory_put', outcome: 'ok' });
      req.resume().on('end', () => res.writeHead(200).end('{}'));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await (await fetch(`http://127.0.0.1:${port}/mcp?token=query-secret`, {
      method: 'POST',
      headers: { Authorization: 'Bearer header-secret', Cookie: 'session=cookie-secret', 'Content-Type': 'application/json' },
      body: '{"password":"body-secret"}',
    })).text();
    return out.text();
  };

  it('logs a request by method and path with its fields, never a header, the query or the body', async () => {
    const output = await logged();
    for (const secret of ['header-secret', 'cookie-secret', 'query-secret', 'body-secret']) expect(output).not.toContain(secret);
    const lines = output.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (format === 'json') {
      expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'POST /mcp 200', tenant: 'acme', user: 'alice', tool: 'memory_put', outcome: 'ok', req: { method: 'POST', path: '/mcp' } });
    } else {
      expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO: POST \/mcp 200 tenant=acme user=alice tool=memory_put outcome=ok \d+ms$/);
    }
  });

  it("prints an error's stack", () => {
    const out = collector();
    middlewareTo(out.stream).logger.error({ err: new Error('the store is gone'), context: 'RunWorker' }, 'run failed');
    expect(out.text()).toContain('the store is gone');
    expect(out.text()).toMatch(/at .*logging\.int\.spec/);
    if (format === 'pretty') expect(out.text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR: \[RunWorker\] run failed\n {4}Error: the store is gone\n {8}at /);
  });
});
