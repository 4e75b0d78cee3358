import { packageTests } from '../../vitest.base.ts'

export default packageTests({
  test: {
    // Builds core and the CLI first: the tests run the built binary.
    globalSetup: ['./test/globalSetup.ts'],
    hookTimeout: 180_000,
  },
})
