/** What the platform calls itself to people (the start banner) and to clients (MCP serverInfo, OpenAPI); the version is package.json's. */
export const PRODUCT = { name: 'Ledgerline', version: '0.1.0' } as const;
