export * from './mcp-tool.decorator.js';
export * from './tool-registry.js';
export * from './tool-invoker.js';
export * from './mcp-endpoint.js';
export * from './mcp.module.js';
export * from './registered-tool.js';
export * from './tool-source.js';
export * from './mcp.settings.js';
