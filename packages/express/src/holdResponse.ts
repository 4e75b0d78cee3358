import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'

type Fn = (this: unknown, ...args: unknown[]) => unknown

const IDLE = 0
const HOLDING = 1
const OPEN = 2
const FAILED = 3

/**
 * One response's hold: its state and the methods it replaced, kept on the response under a symbol so
 * that the four wrappers below are shared by every response instead of being new closures on each.
 */
interface Hold<C> {
  state: typeof IDLE | typeof HOLDING | typeof OPEN | typeof FAILED
  headQueued: boolean
  /** Held calls, flat: the original method, then its arguments (`undefined`: `writeHead(res.statusCode)`). */
  queue: unknown[]
  readonly res: ServerResponse
  readonly context: C
  readonly commit: (res: ServerResponse, context: C) => Promise<void>
  readonly onError: (error: unknown) => void
  readonly writeHead: Fn
  readonly write: Fn
  readonly end: Fn
  readonly flushHeaders: Fn
}

const HOLD = Symbol('cookietin.hold')
type Held = ServerResponse & { [HOLD]: Hold<unknown> }

/**
 * Holds the response from its first `writeHead`, `write`, `end` or `flushHeaders` until
 * `commit(res, context)` has added its headers, then replays the held calls in order: nothing reaches
 * the socket before the session's `Set-Cookie`. `commit` starts once the caller's synchronous code has
 * run, so a change made right after `res.redirect()` or `res.json()` is still sent. If `commit` fails,
 * the held response is dropped for a bare 500 without cookies, and the handler's later calls are ignored.
 * `commit` and `onError` are meant to be shared by every request (no new closures per response).
 */
export function holdResponse<C>(
  res: ServerResponse,
  context: C,
  commit: (res: ServerResponse, context: C) => Promise<void>,
  onError: (error: unknown) => void,
): void {
  const held = res as unknown as Record<'writeHead' | 'write' | 'end' | 'flushHeaders', Fn> & {
    [HOLD]: Hold<unknown>
  }
  const hold: Hold<C> = {
    state: IDLE,
    headQueued: false,
    queue: [],
    res,
    context,
    commit,
    onError,
    writeHead: held.writeHead,
    write: held.write,
    end: held.end,
    flushHeaders: held.flushHeaders,
  }
  held[HOLD] = hold as Hold<unknown>
  held.writeHead = heldWriteHead as Fn
  held.write = heldWrite as Fn
  held.end = heldEnd as Fn
  held.flushHeaders = heldFlushHeaders as Fn
}

function heldWriteHead(this: Held, ...args: unknown[]): unknown {
  const hold = this[HOLD]
  if (hold.state === OPEN) return hold.writeHead.apply(this, args)
  if (hold.state === IDLE) start(hold)
  if (hold.state === HOLDING) {
    // Apply the head now (headers are not sent yet) so `Set-Cookie` passed here is kept, not
    // replaced by ours or replacing ours; queue one `writeHead` with the final status.
    foldHead(hold.res, args)
    if (!hold.headQueued) hold.queue.push(hold.writeHead, undefined)
    hold.headQueued = true
  }
  return hold.res
}

function heldWrite(this: Held, ...args: unknown[]): unknown {
  const hold = this[HOLD]
  if (hold.state === OPEN) return hold.write.apply(this, args)
  if (hold.state === IDLE) start(hold)
  if (hold.state === HOLDING) hold.queue.push(hold.write, args)
  return hold.state === HOLDING
}

function heldEnd(this: Held, ...args: unknown[]): unknown {
  const hold = this[HOLD]
  if (hold.state === OPEN) return hold.end.apply(this, args)
  if (hold.state === IDLE) start(hold)
  if (hold.state === HOLDING) hold.queue.push(hold.end, args)
  return hold.res
}

function heldFlushHeaders(this: Held, ...args: unknown[]): void {
  const hold = this[HOLD]
  if (hold.state === OPEN) {
    hold.flushHeaders.apply(this, args)
    return
  }
  if (hold.state === IDLE) start(hold)
  if (hold.state === HOLDING) hold.queue.push(hold.flushHeaders, args)
}

function start(hold: Hold<unknown>): void {
  hold.state = HOLDING
  void settle(hold)
}

async function settle(hold: Hold<unknown>): Promise<void> {
  // One microtask first: the caller's synchronous code (a change right after `res.json()`) runs before `commit`.
  await Promise.resolve()
  try {
    await hold.commit(hold.res, hold.context)
  } catch (error) {
    fail(hold, error)
    return
  }
  release(hold)
}

function release(hold: Hold<unknown>): void {
  hold.state = OPEN
  const { queue, res } = hold
  hold.queue = []
  try {
    for (let i = 0; i < queue.length; i += 2) {
      const args = queue[i + 1] as unknown[] | undefined
      if (args === undefined) (queue[i] as Fn).call(res, res.statusCode)
      else (queue[i] as Fn).apply(res, args)
    }
  } catch (error) {
    res.destroy(error as Error)
  }
}

function fail(hold: Hold<unknown>, error: unknown): void {
  const { res } = hold
  hold.state = OPEN // `end` calls `writeHead` itself
  hold.queue = []
  for (const name of res.getHeaderNames()) res.removeHeader(name)
  res.statusCode = 500
  res.statusMessage = 'Internal Server Error'
  hold.end.call(res, 'Internal Server Error')
  hold.state = FAILED
  hold.onError(error)
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
