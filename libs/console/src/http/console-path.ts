/** Where the platform mounts the console. */
export const CONSOLE_PATH = '/console';
