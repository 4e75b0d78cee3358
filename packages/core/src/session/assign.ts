import type { Session } from './session.ts'

/**
 * What assigning a framework's `session` property means, for adapters that allow it (Koa, as
 * koa-session users expect): `null` destroys the session, an object replaces its data. `name`
 * is how the user wrote it (`ctx.session`), for the error.
 */
export function assignSession(session: Session, value: unknown, name: string): void {
  if (value === session) return
  if (value === null) return session.destroy()
  if (typeof value !== 'object') {
    throw new TypeError(`${name} can only be set to null (destroy) or an object (new data)`)
  }
  // Checks every value first (UnstorableValueError), so a refused object changes nothing.
  session.replace(value)
}
