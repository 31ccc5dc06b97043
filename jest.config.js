/** Jest runs in native ESM mode (NestJS 12 ships ESM only); ts-jest compiles without type checking, `npm run typecheck` does that once for the whole tree. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: {
    '^#([a-z-]+)/nest$': '<rootDir>/libs/$1/src/nest.ts',
    '^#([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 60000,
  testSequencer: '<rootDir>/test/support/slow-first.sequencer.cjs',
};
