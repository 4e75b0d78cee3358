import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { pipeline, Readable } from 'node:stream'
import type { CryptoBackend } from '@cookietin/core'
import { cookietin } from '@cookietin/express'
import express, { type Express } from 'express'
import { describe, expect, test, vi } from 'vitest'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'
import { listen } from '@cookietin/testkit'

const SECRET = 'a backpressure test secret of 32+ bytes'
const CHUNK = 64 * 1024
const EXPORT_BYTES = 32 * 1024 * 1024

/** A route that streams a large export from a synchronous source, counting what it produced. */
function exportApp(use?: (app: Express) => void) {
  const produced = { bytes: 0 }
  const app = express()
  use?.(app)
  app.get('/export', (req, res) => {
    // Only with the middleware: the bare app has no session.
    if (use) req.session.set('count', 1)
    function* rows() {
      for (let sent = 0; sent < EXPORT_BYTES; sent += CHUNK) {
        produced.bytes += CHUNK
        yield Buffer.alloc(CHUNK, 120)
      }
    }
    Readable.from(rows()).pipe(res)
  })
  return { app, produced }
}

/** Asks for the export on a raw socket that never reads, then reports how much the route produced. */
async function stalledClient(app: Express, produced: { bytes: number }): Promise<number> {
  const server = await listen(app)
  const { port } = new URL(server.url)
  const socket = connect(Number(port), '127.0.0.1')
  socket.write('GET /export HTTP/1.1\r\nHost: x\r\n\r\n')
  socket.pause()
  // Until the route stops producing: it is waiting for `drain` that a non-reading client never gives.
  let last = -1
  while (produced.bytes !== last) {
    last = produced.bytes
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  socket.destroy()
  await server.close()
  return produced.bytes
}

describe('Express: streaming keeps its backpressure with the middleware', () => {
  const withSessions = (backend: CryptoBackend) => (app: Express) =>
    app.use(cookietin({ secrets: SECRET, backend }))

  test.each([nodeBackend, webBackend])(
    'a client that does not read makes the route buffer no more than without the middleware ($name crypto)',
    async (backend) => {
      const bare = exportApp()
      const baseline = await stalledClient(bare.app, bare.produced)
      const session = exportApp(withSessions(backend))
      const buffered = await stalledClient(session.app, session.produced)
      expect(baseline).toBeLessThan(EXPORT_BYTES)
      // Socket buffers vary by a few chunks from one connection to the next; a leak is the whole export.
      expect(buffered).toBeLessThanOrEqual(baseline * 1.5 + 8 * CHUNK)
    },
  )

  test('while an async commit holds the response, write() returns false and drain fires on release', async () => {
    const app = express()
    app.use(cookietin({ secrets: SECRET, backend: webBackend }))
    const seen: string[] = []
    app.get('/', (req, res) => {
      req.session.set('user', 'held')
      seen.push(`write ${String(res.write('a'))}`)
      res.once('drain', () => {
        seen.push('drain')
        res.end('b')
      })
    })
    const server = await listen(app)
    const response = await fetch(server.url)
    expect(await response.text()).toBe('ab')
    expect(response.headers.getSetCookie()).toHaveLength(1)
    expect(seen).toEqual(['write false', 'drain'])
    await server.close()
  })

  test('a failed async commit destroys the response, which releases a streaming writer', async () => {
    const warn = vi.fn()
    const app = express()
    app.use(cookietin({ secrets: SECRET, backend: webBackend, warn }))
    let release: (error: Error | null | undefined) => void = () => {}
    const released = new Promise((resolve) => (release = resolve))
    app.get('/', (req, res) => {
      req.session.set('blob', randomBytes(20_000).toString('base64url'))
      const source = Readable.from(
        (function* () {
          for (;;) yield Buffer.alloc(CHUNK)
        })(),
      )
      pipeline(source, res, (error) => release(error))
    })
    const server = await listen(app)
    await expect(fetch(server.url)).rejects.toThrow()
    expect(await released).toBeInstanceOf(Error)
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('SESSION_TOO_LARGE'))
    await server.close()
  })
})
