import { Injectable } from '@nestjs/common';

/** Whether this process is shutting down: readiness answers 503 from the first moment, so traffic moves elsewhere. */
@Injectable()
export class DrainState {
  private since: number | undefined;

  get draining(): boolean {
    return this.since !== undefined;
  }

  begin(): void {
    this.since ??= Date.now();
  }
}
