import type { RequestScope, ScopeResult } from '../src/index.ts'

/** `scope.finish()` as a promise, whether the back-end answered synchronously or not. */
export const finish = (scope: RequestScope<object>): Promise<ScopeResult> =>
  Promise.resolve().then(() => scope.finish())

/** `scope.commit()` as a promise. */
export const commit = (scope: RequestScope<object>): Promise<void> =>
  Promise.resolve().then(() => scope.commit())
