/**
 * A minimal browser cookie store for tests: applies Set-Cookie lines and builds the Cookie header.
 * It keeps names and values only (no domain, path or expiry) and forgets a cookie on `Max-Age=0`.
 */
export class BrowserJar {
  readonly cookies = new Map<string, string>()

  apply(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const deleted = attributes.some((a) => /^\s*max-age=0$/i.test(a))
      if (deleted) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  get header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

/** The name of each Set-Cookie line (deletions included), in order: of a response or of lines. */
export function cookieNames(from: Response | readonly string[]): string[] {
  const lines = 'headers' in from ? from.headers.getSetCookie() : from
  return lines.map((line) => line.slice(0, line.indexOf('=')))
}
