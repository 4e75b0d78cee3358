import { type OutgoingHttpHeaders, ServerResponse } from 'node:http'

type Fn = (this: unknown, ...args: unknown[]) => unknown
type Method = 'writeHead' | 'write' | 'end' | 'flushHeaders'
type Methods = Record<Method, Fn>

const IDLE = 0
const HOLDING = 1
const OPEN = 2
const FAILED = 3

/** One response's hold: its state, the methods it holds and what `commit` and `onError` are given. */
interface Hold<C> {
  state: typeof IDLE | typeof HOLDING | typeof OPEN | typeof FAILED
  headQueued: boolean
  /** Held calls, flat: the original method, then its arguments (`undefined`: `writeHead(res.statusCode)`). */
  queue: unknown[]
  /** The response's own wrappers are installed (else those of its prototype answer for it). */
  readonly own: boolean
  readonly res: ServerResponse
  readonly original: Methods
  readonly context: C
  readonly commit: (res: ServerResponse, context: C) => Promise<void>
  readonly onError: (error: unknown, context: C) => void
}

/**
 * Every held response's hold. Not a property of the response: adding properties to Express's `res`
 * (which `Object.setPrototypeOf` gives a map of its own) costs microseconds each.
 */
const HOLDS = new WeakMap<object, Hold<unknown>>()

/** On the prototype whose methods are wrapped: its parent (what a response without a hold calls), or false. */
const WRAPPED = Symbol('cookietin.wrapped')

/**
 * Holds the response from its first `writeHead`, `write`, `end` or `flushHeaders` until
 * `commit(res, context)` has added its headers, then replays the held calls in order: nothing reaches
 * the socket before the session's `Set-Cookie`. `commit` starts once the caller's synchronous code has
 * run, so a change made right after `res.redirect()` or `res.json()` is still sent. If `commit` fails,
 * the held response is dropped for a bare 500 without cookies, and the handler's later calls are ignored.
 *
 * Express gives each `res` its app's `response` object as prototype: the four methods are wrapped once
 * there (on the one just above Node's `ServerResponse.prototype`, which every mounted app's inherits),
 * and a response without a hold passes through. A response that already has its own methods (another
 * middleware wrapped them) or no such prototype gets wrappers of its own, as it always did.
 */
export function holdResponse<C>(
  res: ServerResponse,
  context: C,
  commit: (res: ServerResponse, context: C) => Promise<void>,
  onError: (error: unknown, context: C) => void,
): void {
  const target = res as unknown as Methods & { [WRAPPED]?: Methods | false }
  const wrapped =
    Object.hasOwn(res, 'writeHead') ||
    Object.hasOwn(res, 'write') ||
    Object.hasOwn(res, 'end') ||
    Object.hasOwn(res, 'flushHeaders')
      ? false
      : (target[WRAPPED] ?? wrapPrototype(res))
  const own = wrapped === false
  const hold: Hold<C> = {
    state: IDLE,
    headQueued: false,
    queue: [],
    own,
    res,
    // Wrapped on the prototype: its parent's methods, looked up when called (as `res.end` was).
    original:
      wrapped === false
        ? {
            writeHead: target.writeHead,
            write: target.write,
            end: target.end,
            flushHeaders: target.flushHeaders,
          }
        : wrapped,
    context,
    commit,
    onError,
  }
  HOLDS.set(res, hold as Hold<unknown>)
  if (own) {
    target.writeHead = ownWriteHead
    target.write = ownWrite
    target.end = ownEnd
    target.flushHeaders = ownFlushHeaders
  }
}

/** The context given to `holdResponse` for this response, if it is held. */
export function heldContext<C>(res: ServerResponse | undefined): C | undefined {
  return res ? (HOLDS.get(res)?.context as C | undefined) : undefined
}

/**
 * Wraps the methods of the prototype just above `ServerResponse.prototype` in `res`'s chain, once, and
 * returns that prototype's parent (whose methods a response without a hold gets); false, remembered,
 * when there is no such prototype or it has methods of its own.
 */
function wrapPrototype(res: ServerResponse): Methods | false {
  const base = ServerResponse.prototype
  let proto = Object.getPrototypeOf(res) as object | null
  if (proto === base) return false
  while (proto !== null && Object.getPrototypeOf(proto) !== base)
    proto = Object.getPrototypeOf(proto) as object | null
  if (proto === null) return false
  const names = ['writeHead', 'write', 'end', 'flushHeaders'] as const
  if (names.some((name) => Object.hasOwn(proto, name))) {
    Object.defineProperty(proto, WRAPPED, { value: false, configurable: true })
    return false
  }
  const parent = base as unknown as Methods
  const define = (name: Method, value: Fn) =>
    Object.defineProperty(proto, name, {
      value,
      writable: true,
      configurable: true,
      enumerable: false,
    })
  // A response the hold does not cover (no hold, or its own wrappers) gets the methods it had.
  const covers = (res: unknown): Hold<unknown> | undefined => {
    const hold = HOLDS.get(res as object)
    return hold && !hold.own ? hold : undefined
  }
  define('writeHead', function (this: unknown, ...args: unknown[]) {
    const hold = covers(this)
    return hold ? writeHead(hold, this, args) : parent.writeHead.apply(this, args)
  })
  define('write', function (this: unknown, ...args: unknown[]) {
    const hold = covers(this)
    return hold ? write(hold, this, args) : parent.write.apply(this, args)
  })
  define('end', function (this: unknown, ...args: unknown[]) {
    const hold = covers(this)
    return hold ? end(hold, this, args) : parent.end.apply(this, args)
  })
  define('flushHeaders', function (this: unknown, ...args: unknown[]) {
    const hold = covers(this)
    return hold ? flushHeaders(hold, this, args) : parent.flushHeaders.apply(this, args)
  })
  Object.defineProperty(proto, WRAPPED, { value: parent, configurable: true })
  return parent
}

function ownWriteHead(this: unknown, ...args: unknown[]): unknown {
  return writeHead(HOLDS.get(this as object)!, this, args)
}
function ownWrite(this: unknown, ...args: unknown[]): unknown {
  return write(HOLDS.get(this as object)!, this, args)
}
function ownEnd(this: unknown, ...args: unknown[]): unknown {
  return end(HOLDS.get(this as object)!, this, args)
}
function ownFlushHeaders(this: unknown, ...args: unknown[]): unknown {
  return flushHeaders(HOLDS.get(this as object)!, this, args)
}

function writeHead(hold: Hold<unknown>, self: unknown, args: unknown[]): unknown {
  if (hold.state === OPEN) return hold.original.writeHead.apply(self, args)
  if (hold.state === IDLE) start(hold)
  if (hold.state === HOLDING) {
    // Apply the head now (headers are not sent yet) so `Set-Cookie` passed here is kept, not
    // replaced by ours or replacing ours; queue one `writeHead` with the final status.
    foldHead(hold.res, args)
    if (!hold.headQueued) hold.queue.push(hold.original.writeHead, undefined)
    hold.headQueued = true
  }
  return hold.res
}

function write(hold: Hold<unknown>, self: unknown, args: unknown[]): unknown {
  if (hold.state === OPEN) return hold.original.write.apply(self, args)
  if (hold.state === IDLE) start(hold)
  if (hold.state === HOLDING) hold.queue.push(hold.original.write, args)
  return hold.state === HOLDING
}

function end(hold: Hold<unknown>, self: unknown, args: unknown[]): unknown {
  if (hold.state === OPEN) return hold.original.end.apply(self, args)
  if (hold.state === IDLE) start(hold)
  if (hold.state === HOLDING) hold.queue.push(hold.original.end, args)
  return hold.res
}

function flushHeaders(hold: Hold<unknown>, self: unknown, args: unknown[]): unknown {
  if (hold.state === OPEN) return hold.original.flushHeaders.apply(self, args)
  if (hold.state === IDLE) start(hold)
  if (hold.state === HOLDING) hold.queue.push(hold.original.flushHeaders, args)
  return undefined
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
  hold.original.end.call(res, 'Internal Server Error')
  hold.state = FAILED
  hold.onError(error, hold.context)
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
