// The projections' Nest side: the module that opens the view database and the registry that runs every projector of the process.
export { ProjectionsModule, ProjectorRegistry } from './projections.module.js';
