export { CONSOLE_PATH } from './http/console-path.js';
export { CONSOLE_CSP } from './http/console-headers.js';
