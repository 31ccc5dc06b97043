// Operations' Nest side: the operations REST module and the instance registry's module.
export * from './operations-http.module.js';
export * from './instances/instances.module.js';
