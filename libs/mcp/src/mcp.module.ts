import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { McpController } from './mcp.controller.js';
import { McpEndpoint } from './mcp-endpoint.js';
import { ToolInvoker } from './tool-invoker.js';
import { ToolRegistry } from './tool-registry.js';

/** The MCP front door: POST /mcp, tool discovery and invocation. Tools come from the capability modules. */
@Module({
  imports: [DiscoveryModule],
  controllers: [McpController],
  providers: [ToolRegistry, ToolInvoker, McpEndpoint],
  exports: [ToolRegistry],
})
export class McpModule {}
