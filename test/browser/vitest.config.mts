import { defineConfig } from 'vitest/config';

// npm run browser: the living-documentation report in headless Chromium, apart from `npm run unit`.
export default defineConfig({
  test: {
    root: '.',
    include: ['test/browser/**/*.browser.ts'],
    environment: 'node',
    // The manual and the stock report each drive a Chromium of their own, mostly waiting on it: side by side.
    maxWorkers: 2,
    // No test may depend on wall-clock speed: no limit on a test or a hook (vitest's default is 5 s and 10 s).
    testTimeout: 0,
    hookTimeout: 0,
  },
});
