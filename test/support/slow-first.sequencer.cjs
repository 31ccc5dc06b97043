// Jest's own order (failed first, then by the duration it cached, else by file size) knows nothing
// on a clean clone, where the longest suites could start last and leave the other workers idle at
// the end (the last CI run ended on test/shadow-crash, 53 s, started among the last unit suites).
// These start first: every suite that took 20 s or more in that run (its seconds there, on 2
// workers), longest first, except that the ones that keep the CPU busy (Chromium: the console-*
// suites and interop-clients; schemathesis; the 1,000-run load; the crash loops), which took
// 1.6-2.1 times as long beside two others on 3 workers, alternate with ones that mostly wait
// (reminder timers, restarts, drains: 1.0-1.25 times as long), so that the CPU-bound ones do not
// all run at once while the waiting ones later leave the CPU idle.
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = [
  'test/openapi-fuzz.system.spec.ts', // 132, CPU
  'test/scale-out-kafka.system.spec.ts', // 95, CPU
  'test/shadow-crash.system.spec.ts', // 53, waits
  'test/scale-out.system.spec.ts', // 83
  'test/approval-reminders.system.spec.ts', // 58, waits
  'test/console-operations.system.spec.ts', // 78, CPU
  'test/stranger-transaction.system.spec.ts', // 39, waits
  'test/console-tour.system.spec.ts', // 63, CPU
  'test/python-mcp-oauth.system.spec.ts', // 25, but ~70 on a clean clone (builds its venv)
  'test/console.system.spec.ts', // 63, CPU
  'test/lifecycle.system.spec.ts', // 33, waits
  'test/run-crash.system.spec.ts', // 62, CPU
  'test/worker-stop.system.spec.ts', // 51
  'test/console-policies.system.spec.ts', // 50, CPU
  'test/mcp-tasks.system.spec.ts', // 25, waits
  'test/console-confirmations.system.spec.ts', // 50, CPU
  'test/dead-letters.system.spec.ts', // 25, waits
  'test/console-admin-pages.system.spec.ts', // 48, CPU
  'test/ts-sdk-mcp-oauth.system.spec.ts', // 23, waits
  'test/console-delegations-compliance.system.spec.ts', // 44, CPU
  'libs/bus/src/relay/views-topic.int.spec.ts', // 23, waits
  'test/interop-clients.system.spec.ts', // 39, CPU
  'test/run-limits.system.spec.ts', // 34
  'test/console-instances.system.spec.ts', // 31
  'test/operations-rest.system.spec.ts', // 27
  'test/tracing.system.spec.ts', // 26
  'apps/cli/src/commands/export.command.int.spec.ts', // 22
  'test/federated-sign-in.system.spec.ts', // 21
  'test/start-banner.system.spec.ts', // 20
  'test/approval-reminders-workers.system.spec.ts', // 20
];

class LongestFirst extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (test) => {
      const index = LONGEST_FIRST.findIndex((path) => test.path.endsWith(path));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
