import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@cookietin/source'] },
  ssr: { resolve: { conditions: ['@cookietin/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The agreement checks derive keys and run Web Crypto: generous on a busy two-core machine.
    testTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
})
