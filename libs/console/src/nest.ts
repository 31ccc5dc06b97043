// The console's Nest side: its module and the routes (Express) the platform mounts.
export { ConsoleModule, ConsoleRoutes } from './console.module.js';
