import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@cookietin/source'] },
  ssr: { resolve: { conditions: ['@cookietin/source'] } },
  test: {
    // Property tests and servers share 2 cores with the rest of the turbo run; 5 s is too tight there.
    testTimeout: 60_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Builds core and the CLI first: the tests run the built binary.
    globalSetup: ['./test/globalSetup.ts'],
    hookTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
})
