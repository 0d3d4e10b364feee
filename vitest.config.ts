import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests that start `experiment` in a child process can exceed vitest's
    // default of 5 s on a busy 2-core machine.
    testTimeout: 60_000,
  },
});
