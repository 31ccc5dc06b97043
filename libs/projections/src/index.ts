export * from './view-db.port.js';
export * from './projection.js';
export * from './projector.js';
export * from './sqlite-view-db.js';
export * from './postgres-view-db.js';
export * from './projections.module.js';
export { whileLeading } from './while-leading.js';
