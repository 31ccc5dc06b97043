import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** What a noisy agent reports when told to stop: its calls, and the codes of those refused. */
export interface NoiseReport {
  calls: number;
  refused: Array<{ code: string; retryAfterMs: unknown }>;
}

/**
 * A tenant's agent of its own (another program, as it would be): `loops` callers each call `tool`
 * and pause `pauseMs`, whatever the answer, until SIGTERM; then it prints a NoiseReport as JSON.
 * Run as: node dist/test/support/noisy-agent.js <mcp url> <token> <tool> <loops> <pauseMs>
 */
async function main(): Promise<void> {
  const [url, token, tool, loops, pauseMs] = process.argv.slice(2) as [string, string, string, string, string];
  const client = new Client({ name: 'ledgerline-noisy-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  let stop = false;
  process.on('SIGTERM', () => (stop = true));
  const report: NoiseReport = { calls: 0, refused: [] };
  process.stdout.write('ready\n');
  await Promise.all(Array.from({ length: Number(loops) }, async (_, loop) => {
    for (let n = 0; !stop; n++) {
      const result = (await client.callTool({ name: tool, arguments: { n: loop * 1_000_000 + n } })) as CallToolResult;
      report.calls++;
      if (result.isError) {
        const { error } = JSON.parse((result.content[0] as { text: string }).text) as { error: { code: string; details?: { retryAfterMs?: unknown } } };
        report.refused.push({ code: error.code, retryAfterMs: error.details?.retryAfterMs });
      }
      await new Promise((resolve) => setTimeout(resolve, Number(pauseMs)));
    }
  }));
  await client.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`noisy agent failed: ${String(error)}\n`);
  process.exit(1);
});
