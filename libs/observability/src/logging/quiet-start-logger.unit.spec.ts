import { describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { QuietStartLogger } from './quiet-start-logger.js';

describe('QuietStartLogger', () => {
  const recording = () => {
    const calls: Array<[string, ...unknown[]]> = [];
    const record = (level: string) => (...args: unknown[]) => void calls.push([level, ...args]);
    const inner: LoggerService = { log: record('log'), error: record('error'), warn: record('warn'), debug: record('debug'), verbose: record('verbose'), fatal: record('fatal') };
    return { logger: new QuietStartLogger(inner), calls };
  };

  it("turns Nest's start-up narration into debug lines, and leaves the platform's own lines at info", () => {
    const { logger, calls } = recording();
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/v1/tenants, GET} route', 'RouterExplorer');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('stopped', 'Ledgerline');
    logger.log('no context');
    expect(calls).toEqual([
      ['debug', 'AppModule dependencies initialized', 'InstanceLoader'],
      ['debug', 'Mapped {/v1/tenants, GET} route', 'RouterExplorer'],
      ['debug', 'Nest application successfully started', 'NestApplication'],
      ['log', 'stopped', 'Ledgerline'],
      ['log', 'no context'],
    ]);
  });

  it('passes warnings and errors of those contexts unchanged', () => {
    const { logger, calls } = recording();
    logger.warn('a route is mapped twice', 'RouterExplorer');
    logger.error('cannot resolve a dependency', 'stack', 'InstanceLoader');
    expect(calls).toEqual([['warn', 'a route is mapped twice', 'RouterExplorer'], ['error', 'cannot resolve a dependency', 'stack', 'InstanceLoader']]);
  });
});
