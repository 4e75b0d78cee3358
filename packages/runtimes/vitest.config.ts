import { defineConfig } from 'vitest/config'

// No `@cookietin/source` condition: the matrix runs the built packages, each runtime resolving them itself.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    testTimeout: 30_000,
    hookTimeout: 170_000,
  },
})
