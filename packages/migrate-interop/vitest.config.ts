import { packageTests } from '../../vitest.base.ts'

export default packageTests({
  test: {
    // Interop starts every app in every format and drives real HTTP.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
})
