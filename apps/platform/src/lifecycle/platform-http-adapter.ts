import { createServer } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';

export interface HttpServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/**
 * Nest's Express adapter with a server tuned against slow clients. Node enforces headersTimeout and
 * requestTimeout only when it sweeps its connections, every `connectionsCheckingInterval` (30 s by
 * default), and that interval is a createServer option: so the adapter creates the server itself.
 * A slowloris trickling its headers, or a body sent a byte at a time, gets 408 and a closed socket.
 */
export class PlatformHttpAdapter extends ExpressAdapter {
  constructor(private readonly limits: HttpServerLimits) {
    super();
  }

  override initHttpServer(): void {
    const server = createServer(
      {
        headersTimeout: this.limits.headersTimeoutMs,
        requestTimeout: this.limits.requestTimeoutMs,
        keepAliveTimeout: this.limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(this.limits.headersTimeoutMs / 4))),
      },
      this.getInstance(),
    );
    this.setHttpServer(server);
  }
}
