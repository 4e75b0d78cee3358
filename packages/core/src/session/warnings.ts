import { isCookietinError } from '../errors.ts'

/**
 * `warn` logs each distinct text once: name a failure by its code, never by its varying message.
 */
const nameOf = (error: unknown) =>
  isCookietinError(error) ? error.code : error instanceof Error ? error.name : typeof error

/** The same words in every adapter, so a user who moves between frameworks reads one message. */
export function lateChangeWarning(route: string): string {
  return (
    `cookietin: ${route} changed the session after the response's headers were set; ` +
    'that change was not saved.'
  )
}

export function notSavedWarning(route: string, error: unknown): string {
  return (
    `cookietin: ${route}: the session was not saved (${nameOf(error)}); the client keeps its ` +
    'previous one. Call `await commitSession(...)` in the route to answer it, e.g. 413 for ' +
    'SessionTooLargeError.'
  )
}
