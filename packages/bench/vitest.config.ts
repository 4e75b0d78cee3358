import { packageTests } from '../../vitest.base.ts'

export default packageTests({
  test: {
    include: ['test/**/*.test.ts'],
    // The agreement checks derive keys and run Web Crypto: generous on a busy two-core machine.
    testTimeout: 60_000,
  },
})
