import { defineConfig } from 'vitest/config';

// npm run browser (the manual) and npm run report (cucumber's stock report) in headless Chromium, apart
// from `npm run unit`; CI runs both.
export default defineConfig({
  test: {
    root: '.',
    include: ['test/browser/**/*.browser.ts'],
    environment: 'node',
    // No test may depend on wall-clock speed: no limit on a test or a hook (vitest's default is 5 s and 10 s).
    testTimeout: 0,
    hookTimeout: 0,
  },
});
