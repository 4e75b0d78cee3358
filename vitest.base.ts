import type { InlineConfig } from 'vitest/node'
import { type ViteUserConfig, defineConfig } from 'vitest/config'

/** Where each package's vitest writes its JSON report; scripts/test-summary.mjs sums them after `pnpm test`. */
const REPORT_FILE = '.vitest-report.json'

export interface PackageTestOptions {
  /**
   * Resolve workspace packages to their TypeScript source (the `@cookietin/source` export condition),
   * so tests need no build. Off for the packages that check what is built and packed.
   * @default true
   */
  source?: boolean
  /** This package's own settings, over the shared ones (`reporters` excepted: the JSON report is always written). */
  test?: Omit<InlineConfig, 'reporters'>
}

/** The one vitest config every package and app extends (as tsdown.base.ts is for builds). */
export function packageTests({
  source = true,
  test = {},
}: PackageTestOptions = {}): ViteUserConfig {
  const conditions = source ? { conditions: ['@cookietin/source'] } : undefined
  return defineConfig({
    ...(conditions && { resolve: conditions, ssr: { resolve: conditions } }),
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Property tests and servers share 2 cores with the rest of the turbo run; 5 s is too tight there.
      testTimeout: 60_000,
      ...test,
      reporters: ['default', ['json', { outputFile: REPORT_FILE }]],
    },
  })
}
