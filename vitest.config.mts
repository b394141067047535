import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Test files share one module graph per worker: the model is imported and compiled once, not 41
    // times. No test relies on module state being fresh (kernels are cloned per test).
    isolate: false,
    maxWorkers: 2,
  },
});
