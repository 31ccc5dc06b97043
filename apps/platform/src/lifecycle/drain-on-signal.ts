import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import type { DrainState } from './drain-state.js';

/** What one kind of process does between `draining` and stopping its modules. */
export interface Drain {
  /** Goes in the `draining` line after "readiness false" (empty: nothing to add). */
  describe: string;
  /** Stops taking work and lets the work under way finish, within the process's drain timeout; returns a line saying how that went. */
  finish(): Promise<string>;
}

/**
 * SIGTERM / SIGINT, in order, the same for the API and the workers, so orchestrators and
 * operators see one behaviour: readiness answers 503 and `<signal>: draining` is logged; the
 * process's own drain runs (`drain.finish`); then the modules stop (sagas park their runs,
 * consumers leave their groups, projectors and stores close), `stopped` is logged and the
 * process exits 0 (1 when stopping failed). The same signal a second time ends the process at
 * once (Node's default), for an operator who will not wait.
 */
export function drainOnSignal(app: INestApplicationContext, state: DrainState, drain: Drain, logger: LoggerService): void {
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    shuttingDown ??= (async () => {
      state.begin();
      logger.log(`${signal}: draining (readiness false${drain.describe ? `, ${drain.describe}` : ''})`);
      logger.log(await drain.finish());
      await app.close();
      logger.log('stopped');
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
