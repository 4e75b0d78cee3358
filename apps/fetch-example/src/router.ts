/**
 * The smallest router the example needs: exact, case-sensitive paths whose segments are literals or
 * `:param`s (percent-decoded), as the other apps' routers match them. HEAD is answered by GET
 * routes, as there.
 */
interface Match<H> {
  handler: H
  params: Record<string, string>
}

export interface Router<H> {
  match(method: string, path: string): Match<H> | undefined
}

type Route<H> = { method: string; segments: string[]; handler: H }

export function createRouter<H>(routes: ReadonlyArray<readonly [string, string, H]>): Router<H> {
  const table: Route<H>[] = routes.map(([method, pattern, handler]) => ({
    method,
    segments: pattern.split('/'),
    handler,
  }))
  return {
    match(method, path) {
      const wanted = method === 'HEAD' ? 'GET' : method
      const segments = path.split('/')
      for (const route of table) {
        if (route.method !== wanted || route.segments.length !== segments.length) continue
        const params = matchSegments(route.segments, segments)
        if (params) return { handler: route.handler, params }
      }
      return undefined
    },
  }
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  for (const [index, expected] of pattern.entries()) {
    const actual = path[index] ?? ''
    if (expected.startsWith(':')) {
      if (actual === '') return undefined
      try {
        params[expected.slice(1)] = decodeURIComponent(actual)
      } catch {
        return undefined
      }
    } else if (expected !== actual) return undefined
  }
  return params
}
