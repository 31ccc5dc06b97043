import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CallConfirmations } from './confirmations/call-confirmations.js';
import { ConfirmationLedger } from './confirmations/confirmation-ledger.js';
import { ConfirmationTokens } from './confirmations/confirmation-tokens.js';
import { ConfirmationsController } from './confirmations/confirmations.controller.js';
import { ConfirmationPolicy } from './confirmations/confirmation-policy.js';
import { ConfirmationPolicyController } from './confirmations/confirmation-policy.controller.js';
import { McpEndpoint } from './mcp-endpoint.js';
import { McpMiddleware } from './mcp.middleware.js';
import { DEFAULT_MCP_SETTINGS, MCP_SETTINGS, type McpSettings } from './mcp.settings.js';
import { ToolInvoker } from './tool-invoker.js';
import { ToolRegistry } from './tool-registry.js';

/** The MCP front door: /mcp, tool discovery and invocation. Tools come from the capability modules. */
@Module({
  imports: [DiscoveryModule],
  controllers: [ConfirmationsController, ConfirmationPolicyController],
  providers: [ToolRegistry, ToolInvoker, McpEndpoint, McpMiddleware, ConfirmationLedger, ConfirmationTokens, ConfirmationPolicy, CallConfirmations],
  exports: [ToolRegistry],
})
export class McpModule implements NestModule {
  static forRoot(settings: McpSettings = DEFAULT_MCP_SETTINGS): DynamicModule {
    return { module: McpModule, providers: [{ provide: MCP_SETTINGS, useValue: settings }] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(McpMiddleware).forRoutes('mcp');
  }
}
