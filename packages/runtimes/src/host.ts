/**
 * Runs the suite on Node, Bun or Deno: `<runtime> dist/host.js <name>` with the phase's input as
 * JSON on stdin; prints one JSON line per result. Bundled with every package import left bare, so
 * the runtime itself resolves `@cookietin/*` and `hono` from node_modules with its own export
 * conditions. The runtime is told apart here only to pick its HTTP server and stdin API; the
 * library never is.
 */
import type { CryptoBackend } from '@cookietin/core'
import type { FetchHandler, Host, Server } from './suite.ts'
import { runSuite } from './suite.ts'
import type { SuiteInput } from './plan.ts'

interface BunGlobal {
  version: string
  argv: string[]
  stdin: { text(): Promise<string> }
  serve(options: { port: number; hostname: string; fetch: FetchHandler }): {
    port: number
    stop(closeActiveConnections?: boolean): Promise<void> | void
  }
}

interface DenoGlobal {
  version: { deno: string }
  args: string[]
  stdin: { readable: ReadableStream<Uint8Array> }
  serve(
    options: { port: number; hostname: string; onListen(address: { port: number }): void },
    handler: FetchHandler,
  ): { finished: Promise<void>; shutdown(): Promise<void> }
  exit(code: number): never
}

const { Bun, Deno } = globalThis as { Bun?: BunGlobal; Deno?: DenoGlobal }

async function readStdin(): Promise<string> {
  if (Deno) return new Response(Deno.stdin.readable).text()
  if (Bun) return Bun.stdin.text()
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function serveNode(fetch: FetchHandler): Promise<Server> {
  const { serve } = await import('@hono/node-server')
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            if ('closeAllConnections' in server) server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

async function serveBun(bun: BunGlobal, fetch: FetchHandler): Promise<Server> {
  const server = bun.serve({ port: 0, hostname: '127.0.0.1', fetch })
  return { origin: `http://127.0.0.1:${server.port}`, close: async () => server.stop(true) }
}

async function serveDeno(deno: DenoGlobal, fetch: FetchHandler): Promise<Server> {
  let port = 0
  // onListen runs inside Deno.serve, before it returns.
  const server = deno.serve(
    { port: 0, hostname: '127.0.0.1', onListen: (address) => (port = address.port) },
    fetch,
  )
  return { origin: `http://127.0.0.1:${port}`, close: () => server.shutdown() }
}

/**
 * Where the runtime resolves a specifier from here (to show the dist, not the source, is loaded).
 */
function resolveFromHere(specifier: string): string {
  try {
    return import.meta.resolve(specifier)
  } catch (error) {
    return `unresolved: ${String(error)}`
  }
}

async function main(): Promise<void> {
  const runtime = (Deno ? Deno.args[0] : process.argv[2]) ?? 'unknown'
  const version = Deno
    ? `deno ${Deno.version.deno}`
    : Bun
      ? `bun ${Bun.version}`
      : `node ${process.versions.node}`
  const input = JSON.parse(await readStdin()) as SuiteInput
  const resolved = Object.fromEntries(
    ['@cookietin/core', '@cookietin/core/flask', '@cookietin/hono', '@cookietin/fetch', 'hono'].map(
      (s) => [s, resolveFromHere(s)],
    ),
  )
  // Where the runtime resolved core's node back-end, also run the crypto checks with the web one,
  // loaded from the same dist directory (it is not exported: packages choose it by condition).
  const { createKeyring } = await import('@cookietin/core')
  let webBackend: CryptoBackend | undefined
  if (createKeyring('runtimes-host-secret-3b9f1c7e5a2d8046').backend.name === 'node') {
    const url = new URL('./backend.web.js', resolved['@cookietin/core'])
    webBackend = ((await import(url.href)) as { backend: CryptoBackend }).backend
  }
  const host: Host = {
    runtime,
    version,
    serve: (fetch) =>
      Deno ? serveDeno(Deno, fetch) : Bun ? serveBun(Bun, fetch) : serveNode(fetch),
    webBackend,
    resolved,
  }
  await runSuite(host, input, (line) => console.log(JSON.stringify(line)))
}

await main()
// Keep-alive sockets of the runtime's fetch client must not hold the process open.
if (Deno) Deno.exit(0)
else process.exit(0)
