// MCP, the framework-free part: the settings, the confirmation errors, tool icons; the endpoint, the tool registry and decorators are in '#mcp/nest'.
export * from './mcp.settings.js';
export * from './confirmations/confirmation.errors.js';
export { toolIcons } from './tool-icons.js';
export { UrlElicitationNeeded } from './url-elicitation.js';
export * from './tool-policy.port.js';
