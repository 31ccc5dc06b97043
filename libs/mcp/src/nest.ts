// MCP's Nest side: the endpoint and module, the @McpTool decorator, the tool registry and invoker, tool and task sources, the confirmations controller.
export * from './mcp-tool.decorator.js';
export * from './tool-registry.js';
export * from './tool-invoker.js';
export * from './mcp-endpoint.js';
export * from './mcp.module.js';
export * from './registered-tool.js';
export * from './tool-source.js';
export * from './tool-tasks.js';
export { ConfirmationsController, type ConfirmationStatus } from './confirmations/confirmations.controller.js';
