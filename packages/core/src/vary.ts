/**
 * The `Vary` header value once `Cookie` is added to `current`, or `undefined` when it already
 * covers it (the token itself, or `*`). For adapters whose framework has no `vary` helper (Hono,
 * Fetch).
 */
export function varyWithCookie(current: string | null | undefined): string | undefined {
  if (!current) return 'Cookie'
  for (const token of current.split(',')) {
    const name = token.trim().toLowerCase()
    if (name === 'cookie' || name === '*') return undefined
  }
  return `${current}, Cookie`
}
