import type { INestApplicationContext } from '@nestjs/common';
import { RunScheduler } from '#automation/nest';
import { ScaleOutBus } from '#bus/nest';
import type { Drain } from '../../platform/src/lifecycle/drain-on-signal.js';

/**
 * A worker's drain: it takes no more runs (on Kafka it leaves the saga and retry groups at once,
 * so the other workers are given its partitions while it finishes), the runs in hand stop before
 * their next step, and calls under way get `timeoutMs` to answer and be recorded. A call cut
 * after that is made again, with the same idempotency key, by whichever worker carries the run
 * next. Views and the relay keep going until the modules stop: the steps recorded meanwhile
 * reach the views.
 */
export function workerDrain(app: INestApplicationContext, timeoutMs: number, onBus: boolean): Drain {
  const scheduler = app.get(RunScheduler);
  const bus = onBus ? app.get(ScaleOutBus) : undefined;
  return {
    describe: `steps under way get up to ${timeoutMs} ms`,
    finish: async () => {
      // The scheduler stops launching at once; leaving the groups takes a while (kafkajs waits for its fetches) and goes on meanwhile.
      const [cut] = await Promise.all([scheduler.drain(), bus?.stopIntake()]);
      return cut === 0 ? 'steps under way finished' : `${cut} runs still calling after ${timeoutMs} ms: calls cut, made again by the next worker`;
    },
  };
}
