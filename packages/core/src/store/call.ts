import { StoreUnavailableError } from '../errors.ts'

/**
 * Runs one store call and turns every way it can fail (a rejection, a throw, no answer within
 * `timeout` ms) into `StoreUnavailableError`, so a request waits at most `timeout` for its store.
 */
export function callStore<T>(what: string, timeout: number, run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new StoreUnavailableError(`The session store did not answer ${what} within ${timeout} ms`),
      )
    }, timeout)
    const fail = (error: unknown) => {
      clearTimeout(timer)
      reject(
        error instanceof StoreUnavailableError
          ? error
          : new StoreUnavailableError(`The session store failed ${what}`, { cause: error }),
      )
    }
    let pending: Promise<T>
    try {
      pending = run()
    } catch (error) {
      fail(error)
      return
    }
    pending.then((value) => {
      clearTimeout(timer)
      resolve(value)
    }, fail)
  })
}
