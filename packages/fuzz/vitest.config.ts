import { packageTests } from '../../vitest.base.ts'

export default packageTests({
  // The quick campaigns run for seconds each on a busy two-core machine.
  test: { testTimeout: 180_000, hookTimeout: 120_000 },
})
