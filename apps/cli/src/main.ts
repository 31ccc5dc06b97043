#!/usr/bin/env node
// The entry of the CLI: Node's module compile cache first (V8 code cache on disk, under the OS's
// temporary directory or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so the
// thousands of modules below load faster from the second start on; then the CLI itself.
import nodeModule from 'node:module';

// Node 20 has no compile cache (added in 22.1): start without it there.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./cli-process.js');
