/**
 * A value now, or a promise of it. On the `node` back-end every crypto call returns values, so a
 * session is read and written without waiting for a microtask; Web Crypto returns promises. Code
 * that serves both is written once with `chain`, which continues synchronously when it can.
 */
export type MaybePromise<T> = T | Promise<T>

export const isPromise = <T>(value: MaybePromise<T>): value is Promise<T> =>
  value instanceof Promise

/** `next(value)`, now if `value` is already there, else once it resolves. */
export function chain<T, U>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<U>,
): MaybePromise<U> {
  return isPromise(value) ? value.then(next) : next(value)
}

/** `Promise.all` that stays synchronous when every value is. */
export function all<T>(values: readonly MaybePromise<T>[]): MaybePromise<T[]> {
  return values.some(isPromise) ? Promise.all(values) : (values as T[])
}

/**
 * Runs `run` and hands back a promise whatever it returned or threw, as an async function would.
 */
export function toPromise<T>(run: () => MaybePromise<T>): Promise<T> {
  try {
    const result = run()
    return isPromise(result) ? result : Promise.resolve(result)
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error)
  }
}
