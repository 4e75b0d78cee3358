import { packageTests } from '../../vitest.base.ts'

// No `@cookietin/source` condition: the samples are checked against the packages as built, the types a
// user installs.
export default packageTests({ source: false, test: { include: ['test/**/*.test.ts'] } })
