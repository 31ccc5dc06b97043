export * from './errors.js';
export * from './json.js';
export * from './decider.js';
export * from './platform-tenant.js';
export * from './token-bucket.js';
export * from './create-file-once.js';
export * from './request-id.js';
export * from './product.js';
