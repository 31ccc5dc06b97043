// Jest's own order (failed first, then by the duration it cached, else by file size) knows nothing
// on a clean clone, where the longest suites could start last and leave one worker running them
// alone at the end. These start first, longest first (durations from a full run, in seconds).
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = [
  'test/scale-out-kafka.system.spec.ts', // ~200
  'test/openapi-fuzz.system.spec.ts', // ~140
  'test/scale-out.system.spec.ts', // ~105
  'apps/cli/src/commands/export.command.int.spec.ts', // ~100
  'test/run-crash.system.spec.ts', // ~90
  'test/stranger-transaction.system.spec.ts', // ~80
  'test/python-mcp-oauth.system.spec.ts', // ~70 on a clean clone (builds its venv), ~35 after
  'libs/event-store/src/postgres/postgres-event-store.int.spec.ts',
  'test/worker-stop.system.spec.ts', // ~50
  'test/run-limits.system.spec.ts',
  'test/tenants-suspend.system.spec.ts',
  'test/dead-letters.system.spec.ts',
  'test/replay.system.spec.ts',
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
