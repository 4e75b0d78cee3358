import { packageTests } from '../../vitest.base.ts'

// No `@cookietin/source` condition: the matrix runs the built packages, each runtime resolving them itself.
export default packageTests({
  source: false,
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 170_000,
    // The matrix and the example's conformance runs each start many runtime processes: one file at
    // a time, so they neither compete for the CPU nor build the packages twice at once.
    fileParallelism: false,
  },
})
