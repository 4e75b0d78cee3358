import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    // Packs every public package once (pnpm pack, so publishConfig and workspace:^ are applied as on
    // publish) and hands the tarballs to the test files.
    globalSetup: ['./test/globalSetup.ts'],
    // The work is in child processes (npm, tsc, node, pnpm, attw), mostly waiting on I/O: run files side by side.
    maxWorkers: 4,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})
