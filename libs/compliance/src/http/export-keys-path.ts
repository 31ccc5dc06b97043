/** Where the platform publishes the public keys that sign its exports, as a JWKS (ExportKeysController). */
export const EXPORT_KEYS_PATH = '/.well-known/ledgerline-export-keys';
