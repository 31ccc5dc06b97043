export { ConsoleModule, ConsoleRoutes } from './console.module.js';
export { CONSOLE_PATH } from './http/console-router.js';
export { CONSOLE_CSP } from './http/console-headers.js';
