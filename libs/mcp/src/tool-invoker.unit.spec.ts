import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ForbiddenError, type CommandMetadata } from '#core';
import { DiscoveryModule } from '@nestjs/core';
import { MCP_SETTINGS } from './mcp.settings.js';
import { McpTool, type McpToolHandler } from './mcp-tool.decorator.js';
import type { RegisteredTool } from './registered-tool.js';
import { ToolInvoker } from './tool-invoker.js';
import { ToolRegistry } from './tool-registry.js';
import { McpToolSource, type ToolSource } from './tool-source.js';
import { TOOL_POLICY, type PolicyCheckedCall, type ToolPolicy } from './tool-policy.port.js';

@McpTool({
  name: 'echo', title: 'Echo', description: 'Says it back.', scope: 'echo:use',
  input: z.object({ text: z.string() }), output: z.object({ text: z.string() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
class EchoTool implements McpToolHandler<{ text: string }, { text: string }> {
  async execute(input: { text: string }): Promise<{ text: string }> {
    return input;
  }
}

/** Tenant tools named `t_…`, each needing `tenant:<name>`; it counts its lookups, which are reads in a real source. */
@McpToolSource()
class CountingSource implements ToolSource {
  lookups = 0;
  /** Whether its tools say they can wait for a policy's approval (as an automation's run can). */
  waits = false;
  readonly held = new Map<string, Set<string>>([['acme', new Set(['t_report'])], ['other', new Set(['t_secret'])]]);

  scopeFor(name: string): string | undefined {
    return name.startsWith('t_') ? `tenant:${name}` : undefined;
  }
  async toolsFor(tenantId: string): Promise<RegisteredTool[]> {
    return [...(this.held.get(tenantId) ?? [])].map((name) => this.tool(name));
  }
  async findTool(tenantId: string, name: string): Promise<RegisteredTool | undefined> {
    this.lookups++;
    return this.held.get(tenantId)?.has(name) ? this.tool(name) : undefined;
  }
  private tool(name: string): RegisteredTool {
    return {
      name, scope: `tenant:${name}`, listing: { name, inputSchema: { type: 'object' } },
      parse: async (args) => args ?? {},
      handler: { execute: async (_input, { policyApproval }) => ({ ran: name, ...(policyApproval && { policyApproval }) }) },
      canAwaitApproval: () => this.waits,
    };
  }
}

async function invokerWith(rate: { perSecond: number; burst: number }, policy?: ToolPolicy): Promise<{ invoker: ToolInvoker; source: CountingSource }> {
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [ToolRegistry, ToolInvoker, { provide: MCP_SETTINGS, useValue: { toolRateLimit: rate } }, EchoTool, CountingSource, ...(policy ? [{ provide: TOOL_POLICY, useValue: policy }] : [])],
  }).compile();
  await module.init();
  return { invoker: module.get(ToolInvoker), source: module.get(CountingSource) };
}

const caller = (tenantId: string, scopes: string[]): CommandMetadata => ({ tenantId, userId: 'u', clientId: 'c', scopes, correlationId: 'corr' });

function codeOf(result: CallToolResult): string | undefined {
  return result.isError ? (JSON.parse((result.content[0] as { text: string }).text) as { error: { code: string } }).error.code : undefined;
}

describe('ToolInvoker: scope and rate before the lookup', () => {
  it('refuses a call over the tenant\'s rate without looking the tool up, and answers the others', async () => {
    const { invoker, source } = await invokerWith({ perSecond: 0.001, burst: 2 });
    const acme = caller('acme', ['tenant:t_report']);
    expect(codeOf(await invoker.call('t_report', {}, acme))).toBeUndefined();
    expect(codeOf(await invoker.call('t_report', {}, acme))).toBeUndefined();
    expect(source.lookups).toBe(2);
    for (let n = 0; n < 5; n++) expect(codeOf(await invoker.call('t_report', {}, acme))).toBe('tool.rate_limited');
    expect(source.lookups).toBe(2);
    // Another tenant's budget for the same name is its own.
    expect(codeOf(await invoker.call('t_report', {}, caller('other', ['tenant:t_report'])))).toBe('tool.unknown');
  });

  it('answers a tool the caller has no scope for, or a name no tool can have, as unknown, without a lookup', async () => {
    const { invoker, source } = await invokerWith({ perSecond: 100, burst: 100 });
    expect(codeOf(await invoker.call('t_report', {}, caller('acme', ['echo:use'])))).toBe('tool.unknown');
    expect(codeOf(await invoker.call('no such tool', {}, caller('acme', ['tenant:no such tool'])))).toBe('tool.unknown');
    expect(codeOf(await invoker.call('echo', { text: 'x' }, caller('acme', ['tenant:t_report'])))).toBe('tool.unknown');
    expect(source.lookups).toBe(0);
    expect((await invoker.call('echo', { text: 'x' }, caller('acme', ['echo:use']))).structuredContent).toEqual({ text: 'x' });
  });

  it('looks up a tool the caller may call and answers unknown when its tenant has none by that name (another tenant\'s included)', async () => {
    const { invoker, source } = await invokerWith({ perSecond: 100, burst: 100 });
    expect(codeOf(await invoker.call('t_secret', {}, caller('acme', ['tenant:t_secret'])))).toBe('tool.unknown');
    expect(codeOf(await invoker.call('t_missing', {}, caller('acme', ['tenant:t_missing'])))).toBe('tool.unknown');
    expect(source.lookups).toBe(2);
  });
});

describe('ToolInvoker: the tenant\'s policies', () => {
  it('asks the policy with the parsed arguments once the call is known good, and a refusal stops the tool', async () => {
    const seen: PolicyCheckedCall[] = [];
    const policy: ToolPolicy = {
      async check(call) {
        seen.push(call);
        if ((call.input as { text?: string }).text === 'pay 900') throw new ForbiddenError('policy.denied', 'forbidden by policy big', { policies: ['big'] });
        return { decision: 'allow' };
      },
    };
    const { invoker } = await invokerWith({ perSecond: 100, burst: 100 }, policy);
    const acme = caller('acme', ['echo:use']);
    expect((await invoker.call('echo', { text: 'hello' }, acme)).structuredContent).toEqual({ text: 'hello' });
    expect(codeOf(await invoker.call('echo', { text: 'pay 900' }, acme))).toBe('policy.denied');
    // Refused before the policy: bad arguments, a tool out of scope.
    expect(codeOf(await invoker.call('echo', { text: 7 }, acme))).toBe('tool.invalid_arguments');
    expect(codeOf(await invoker.call('t_report', {}, acme))).toBe('tool.unknown');
    expect(seen).toEqual([
      { metadata: acme, tool: 'echo', scope: 'echo:use', input: { text: 'hello' }, canAwaitApproval: false },
      { metadata: acme, tool: 'echo', scope: 'echo:use', input: { text: 'pay 900' }, canAwaitApproval: false },
    ]);
  });

  it('hands an approval the policies ask for to a tool that can wait for one, in its context', async () => {
    const approval = { groups: ['managers'], policies: ['big'] };
    const policy: ToolPolicy = { check: async (call) => (call.canAwaitApproval ? { decision: 'approval_required', approval } : { decision: 'allow' }) };
    const { invoker, source } = await invokerWith({ perSecond: 100, burst: 100 }, policy);
    source.waits = true;
    expect((await invoker.call('t_report', {}, caller('acme', ['tenant:t_report']))).structuredContent).toEqual({ ran: 't_report', policyApproval: approval });
    source.waits = false;
    expect((await invoker.call('t_report', {}, caller('acme', ['tenant:t_report']))).structuredContent).toEqual({ ran: 't_report' });
  });
});
