import { packageTests } from '../../vitest.base.ts'

// No `@cookietin/source` condition: these tests check the packages as built and packed.
export default packageTests({
  source: false,
  test: {
    include: ['test/**/*.test.ts'],
    // Packs every public package once (pnpm pack, so publishConfig and workspace:^ are applied as on
    // publish) and hands the tarballs to the test files.
    globalSetup: ['./test/globalSetup.ts'],
    // The work is in child processes (npm, tsc, node, pnpm, attw), mostly waiting on I/O: run files side by side.
    maxWorkers: 4,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})
