import { middlewareNotRun } from '../errors.ts'

const GUARDED = Symbol.for('cookietin.guarded')

/**
 * Makes each named property of the objects inheriting from `base` throw a `CookietinError`
 * (`MIDDLEWARE_NOT_RUN`) that names the missing middleware, instead of reading `undefined`, until
 * the middleware gives the object a property of its own. For a framework whose documented way to
 * extend its requests is a per-app prototype (Express's `app.request`); once per `base`.
 */
export function guardUntilAttached(
  base: object,
  names: readonly string[],
  describe: (name: string) => string,
  fix: string,
): void {
  if (Object.hasOwn(base, GUARDED)) return
  const guard = (name: string): PropertyDescriptor => ({
    configurable: true,
    get() {
      throw middlewareNotRun(describe(name), fix)
    },
    // Another library (or a test) assigning it: a plain property of that object.
    set(this: object, value: unknown) {
      Object.defineProperty(this, name, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      })
    },
  })
  const guards = Object.fromEntries(names.map((name) => [name, guard(name)]))
  try {
    Object.defineProperties(base, { ...guards, [GUARDED]: { value: true } })
  } catch {
    // Another library owns one of these names for good: it keeps its own behaviour.
  }
}
