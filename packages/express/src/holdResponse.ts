import type { ServerResponse } from 'node:http'

type Held = 'writeHead' | 'write' | 'end' | 'flushHeaders'
const HELD: readonly Held[] = ['writeHead', 'write', 'end', 'flushHeaders']

/**
 * Only for an asynchronous crypto back-end (one injected by the user): the session's cookies are
 * not ready when the route starts writing, so the response's first write waits for `commit`, then
 * every held call runs in order. While held, `write()` returns false and `drain` fires on release,
 * so a streaming route buffers nothing; if the commit fails, the response is destroyed, which
 * releases its writers. Only this response's own methods are wrapped, never a prototype.
 */
export function holdResponse(
  res: ServerResponse,
  commit: () => Promise<void>,
  onFailure: (error: unknown) => void,
): void {
  const methods = res as unknown as Record<Held, (...args: unknown[]) => unknown>
  const original = Object.fromEntries(HELD.map((name) => [name, methods[name]])) as typeof methods
  const queue: [Held, unknown[]][] = []
  let waitingForDrain = false
  const restore = () => Object.assign(res, original)
  const release = () => {
    restore()
    for (const [name, args] of queue) original[name].apply(res, args)
    if (waitingForDrain && !res.writableNeedDrain && !res.writableEnded) res.emit('drain')
  }
  for (const name of HELD) {
    methods[name] = (...args: unknown[]) => {
      if (queue.length === 0) {
        // From a microtask: a change the route makes right after `res.json()`, in the same tick, is
        // kept.
        Promise.resolve()
          .then(commit)
          .then(release, (error: unknown) => {
            restore()
            onFailure(error)
            res.destroy()
          })
      }
      queue.push([name, args])
      if (name !== 'write') return name === 'flushHeaders' ? undefined : res
      waitingForDrain = true
      return false
    }
  }
}
