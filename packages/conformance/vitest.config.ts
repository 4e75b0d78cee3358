import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@cookietin/source'] },
  ssr: { resolve: { conditions: ['@cookietin/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    // Interop starts every app in every format and drives real HTTP.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
})
