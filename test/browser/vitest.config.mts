import { defineConfig } from 'vitest/config';

// npm run browser: the living-documentation report in headless Chromium, apart from `npm run unit`.
export default defineConfig({
  test: {
    root: '.',
    include: ['test/browser/**/*.browser.ts'],
    environment: 'node',
  },
});
