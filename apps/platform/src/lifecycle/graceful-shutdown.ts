import type { Server } from 'node:http';
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Request, Response, NextFunction } from 'express';
import { DrainState } from './drain-state.js';
import { drainOnSignal } from './drain-on-signal.js';

export interface ShutdownSettings {
  /** Readiness is false and requests are still served this long before the listener closes. */
  delayMs: number;
  /** In-flight requests get this long to finish; then their connections are closed. */
  timeoutMs: number;
}

/**
 * The API's drain (drainOnSignal does the rest): readiness answers 503 at once; after `delayMs`
 * the listener stops accepting and idle keep-alive connections close; requests under way finish
 * (their responses say `Connection: close`) for up to `timeoutMs`.
 */
export function installGracefulShutdown(app: INestApplication, settings: ShutdownSettings, logger: LoggerService): void {
  const server = app.getHttpServer() as Server;
  drainOnSignal(app, app.get(DrainState), {
    describe: settings.delayMs > 0 ? `still serving for ${settings.delayMs} ms` : '',
    finish: async () => {
      await new Promise((resolve) => setTimeout(resolve, settings.delayMs));
      const unfinished = await closeServer(server, settings.timeoutMs);
      return unfinished ? `closed connections still busy after ${settings.timeoutMs} ms` : 'in-flight requests finished';
    },
  }, logger);
}

/** Marks every response of a draining process `Connection: close`, so keep-alive clients move to another instance. */
export function closeConnectionsWhileDraining(drain: DrainState) {
  return (_request: Request, response: Response, next: NextFunction): void => {
    if (drain.draining) response.setHeader('Connection', 'close');
    next();
  };
}

/** Stops accepting, lets requests under way finish for up to `timeoutMs`; true when some had to be cut. */
function closeServer(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      clearInterval(sweep);
      server.closeAllConnections();
      resolve(true);
    }, timeoutMs);
    // A keep-alive connection whose request began before the drain turns idle later: close it then.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweep);
      resolve(false);
    });
  });
}
