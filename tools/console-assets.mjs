#!/usr/bin/env node
// The console's static files (its stylesheet and script) go beside the compiled code, so the
// package serves them from dist with nothing fetched at run time. htmx is served from its package.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'libs/console/assets'), join(root, 'dist/libs/console/assets'), { recursive: true });
