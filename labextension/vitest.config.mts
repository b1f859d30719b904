import { defineConfig } from 'vitest/config';

// Unit tests of the panel's logic (model, parsing, formatting): plain Node, no DOM, no JupyterLab.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    reporters: ['default'],
    testTimeout: 10000
  }
});
