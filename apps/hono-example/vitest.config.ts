import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@cookietin/source'] },
  ssr: { resolve: { conditions: ['@cookietin/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
})
