import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Several tests start `experiment` in a child process, which loads tsx and
    // the framework first. On a busy 2-core machine that alone can take longer
    // than the default 5 s, so tests without their own timeout get 60 s.
    testTimeout: 60_000,
  },
});
