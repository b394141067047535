import { defineConfig } from 'vitest/config';

// The unit tests Stryker runs against each mutant: only test/<folder> of the folder being mutated
// (MUTATE_FOLDER, set by stryker.config.mjs), with fast-check's seed pinned so that every run draws
// the same examples and the test names (which carry the seed) stay the same between runs.
// MUTATE_TESTS (a glob) narrows the tests further, to measure a few files quickly on a busy machine.
const folder = process.env.MUTATE_FOLDER;
const tests = process.env.MUTATE_TESTS;
export default defineConfig({
  test: {
    include: [
      tests ?? (folder ? `test/${folder}/**/*.test.ts` : 'test/{arch,hotplug,tables,memory,mappings}/**/*.test.ts'),
    ],
    setupFiles: ['test/mutation/pin-seed.ts'],
    environment: 'node',
    testTimeout: 0,
    hookTimeout: 0,
  },
});
