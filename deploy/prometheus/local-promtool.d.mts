// Types for the TypeScript tests that run promtool.
export function findPromtool(env?: NodeJS.ProcessEnv): { promtool: string; version: string };
export function promtoolCacheDir(env?: NodeJS.ProcessEnv): string;
