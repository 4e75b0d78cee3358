/**
 * What a server counts, answered over IPC: requests handled, and how many of them found a valid
 * session in the cookie (proof that the load client's cookie is really verified, never ignored).
 */
export const counters = { hits: 0, loaded: 0 }

/**
 * The route's bookkeeping: one call per request; `loaded` when the request's session came from its
 * cookie.
 */
export function count(loaded: boolean): void {
  counters.hits++
  if (loaded) counters.loaded++
}
