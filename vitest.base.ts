import type { InlineConfig } from 'vitest/node'
import { type ViteUserConfig, defineConfig } from 'vitest/config'

/** Each package's vitest JSON report; scripts/test-summary.mjs sums them after `pnpm test`. */
const REPORT_FILE = '.vitest-report.json'

export interface PackageTestOptions {
  /**
   * Resolve workspace packages to their TypeScript source (the `@cookietin/source` export
   * condition), so tests need no build. Off for the packages that check what is built and packed.
   * @default true
   */
  source?: boolean
  /** The package's own settings, over the shared ones (not `reporters`: the JSON report is a must). */
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
      // Property tests and servers share 2 cores with the rest of the turbo run: 5 s is too tight.
      testTimeout: 60_000,
      ...test,
      reporters: ['default', ['json', { outputFile: REPORT_FILE }]],
    },
  })
}
