import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'

const METHODS = ['writeHead', 'write', 'end', 'flushHeaders'] as const
type Method = (typeof METHODS)[number]
type Fn = (...args: unknown[]) => unknown

/**
 * Holds the response from its first `writeHead`, `write`, `end` or `flushHeaders` until `commit` has
 * added its headers, then replays the held calls in order: nothing reaches the socket before the
 * session's `Set-Cookie`. `commit` starts once the caller's synchronous code has run, so a change made
 * right after `res.redirect()` or `res.json()` is still sent. If `commit` fails, the held response is
 * dropped for a bare 500 without cookies, and the handler's later calls are ignored.
 */
export function holdResponse(
  res: ServerResponse,
  commit: () => Promise<void>,
  onError: (error: unknown) => void,
): void {
  let state: 'idle' | 'holding' | 'open' | 'failed' = 'idle'
  let headQueued = false
  const queue: Array<() => unknown> = []
  const target = res as unknown as Record<Method, Fn>
  const originals = {} as Record<Method, Fn>

  const release = () => {
    state = 'open'
    try {
      for (const call of queue.splice(0)) call()
    } catch (error) {
      res.destroy(error as Error)
    }
  }
  const fail = (error: unknown) => {
    state = 'open' // `end` calls `writeHead` itself
    queue.length = 0
    for (const name of res.getHeaderNames()) res.removeHeader(name)
    res.statusCode = 500
    res.statusMessage = 'Internal Server Error'
    originals.end.call(res, 'Internal Server Error')
    state = 'failed'
    onError(error)
  }

  for (const method of METHODS) {
    const original = (originals[method] = target[method])
    target[method] = function (this: unknown, ...args: unknown[]) {
      if (state === 'open') return original.apply(this, args)
      if (state === 'idle') {
        state = 'holding'
        Promise.resolve().then(commit).then(release, fail)
      }
      if (state === 'holding' && method !== 'writeHead') queue.push(() => original.apply(res, args))
      else if (state === 'holding') {
        // Apply the head now (headers are not sent yet) so `Set-Cookie` passed here is kept, not
        // replaced by ours or replacing ours; queue one `writeHead` with the final status.
        foldHead(res, args)
        if (!headQueued) queue.push(() => original.call(res, res.statusCode))
        headQueued = true
      }
      return method === 'write' ? state === 'holding' : method === 'flushHeaders' ? undefined : res
    }
  }
}

/** What `writeHead(status, [message], [headers])` does to a response whose headers are still open. */
function foldHead(res: ServerResponse, [status, message, headers]: unknown[]): void {
  if (typeof message !== 'string') [message, headers] = [undefined, message]
  res.statusCode = status as number
  if (typeof message === 'string') res.statusMessage = message
  if (Array.isArray(headers)) {
    // Node's rule for a flat [name, value, ...] list: replace earlier values, keep duplicates within it.
    for (let i = 0; i < headers.length; i += 2) res.removeHeader(String(headers[i]))
    for (let i = 0; i < headers.length; i += 2)
      res.appendHeader(String(headers[i]), headers[i + 1] as string)
  } else if (headers) {
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
      if (value !== undefined) res.setHeader(name, value)
    }
  }
}
