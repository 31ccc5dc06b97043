export * from './errors.js';
export * from './json.js';
