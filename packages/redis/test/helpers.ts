import { type RequestScope, type SessionOptions, createSessionHandler } from '@cookietin/core'

export const secrets = ['Rk7vQ2mXz9Lp4Wc8Ns1Bd6Hf3Jt5Ya0E']

export interface Visit {
  scope: RequestScope
  setCookie: string[]
  /** The session cookie pair to send next (`session=...`), or the one sent when none was set. */
  cookie: string | undefined
}

/** Runs one request through core's handler, as any adapter would: begin, the route, finish. */
export async function visit(
  options: SessionOptions,
  cookie: string | undefined,
  route: (scope: RequestScope) => unknown = () => undefined,
): Promise<Visit> {
  const handler = createSessionHandler(options)
  const scope = await handler.begin(cookie, { secure: false })
  await route(scope)
  const { setCookie } = await scope.finish()
  const line = setCookie.find((l) => l.startsWith('session='))
  return { scope, setCookie, cookie: line ? line.split(';')[0] : cookie }
}
