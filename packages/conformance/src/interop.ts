import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { Client } from './client.ts'
import { incompressible } from './constants.ts'
import {
  apiLogin,
  expectJson,
  expectNoSetCookie,
  expectStatus,
  patchSession,
  postFlash,
  readFlashes,
  readSession,
  whoAmI,
} from './expect.ts'
import { ServerPool, formatEnv } from './servers.ts'
import { ALL_FORMATS, type SessionFormatName, type StartServer } from './types.ts'

export interface InteropApp {
  name: string
  /** Loads the app's `startServer`; a failure fails every pair the app is in, with its message. */
  load: () => Promise<StartServer>
}

/**
 * Loads `startServer` from `apps/<name>-example`, through its `./server` export under the
 * `@cookietin/source` condition, by path: the apps depend on this package, so it cannot depend on
 * them.
 */
export async function loadWorkspaceApp(
  name: string,
  appsDir = new URL('../../../apps/', import.meta.url),
): Promise<StartServer> {
  const dir = new URL(`${name}-example/`, appsDir)
  let manifest: { exports?: Record<string, unknown> }
  try {
    manifest = JSON.parse(await readFile(new URL('package.json', dir), 'utf8')) as typeof manifest
  } catch (error) {
    throw new Error(
      `apps/${name}-example is missing or has no package.json (${fileURLToPath(dir)})`,
      { cause: error },
    )
  }
  const entry = pickExport(manifest.exports?.['./server'])
  if (!entry) throw new Error(`apps/${name}-example/package.json exports no "./server"`)
  const module = (await import(pathToFileURL(fileURLToPath(new URL(entry, dir))).href)) as {
    startServer?: unknown
  }
  if (typeof module.startServer !== 'function')
    throw new Error(`apps/${name}-example/${entry} exports no startServer function`)
  return module.startServer as StartServer
}

/** The target of an `exports` entry, preferring the source condition. */
function pickExport(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry
  if (entry === null || typeof entry !== 'object') return undefined
  const conditions = entry as Record<string, unknown>
  for (const condition of ['@cookietin/source', 'import', 'node', 'default']) {
    const found = pickExport(conditions[condition])
    if (found) return found
  }
  return undefined
}

/**
 * For each format, a session written by any app is read by every app (itself included) given the
 * same secrets: login, data (chunked for the native formats), a flash and a signed plain cookie;
 * then the reader writes and the writer reads it back.
 */
export function runInterop(
  apps: readonly InteropApp[],
  formats: readonly SessionFormatName[] = ALL_FORMATS,
): void {
  const loaded = new Map<string, Promise<StartServer>>()
  const load = (app: InteropApp) => {
    let startServer = loaded.get(app.name)
    if (!startServer) {
      startServer = app.load()
      startServer.catch(() => {})
      loaded.set(app.name, startServer)
    }
    return startServer
  }

  for (const format of formats) {
    describe.concurrent(`[interop] ${format}`, () => {
      const pools = new Map<string, ServerPool>()
      const serverOf = async (app: InteropApp) => {
        let pool = pools.get(app.name)
        if (!pool) {
          const startServer = await load(app)
          pool = pools.get(app.name) ?? new ServerPool(startServer)
          pools.set(app.name, pool)
        }
        return pool.get(formatEnv(format))
      }
      afterAll(() => Promise.all([...pools.values()].map((pool) => pool.closeAll())))

      for (const writer of apps) {
        for (const reader of apps) {
          test(`[interop] ${format}: a session written by ${writer.name} is read by ${reader.name}`, async () => {
            const [writerServer, readerServer] = await Promise.all([
              serverOf(writer),
              serverOf(reader),
            ])
            const w = new Client(writerServer.url)
            const data = {
              text: `from ${writer.name}: é "q" <b> 😀`,
              list: [1, 2.5, { nested: null }, [true, false]],
              ...(format === 'flask' ? {} : { blob: incompressible(5000) }),
            }
            await apiLogin(w, 'bob')
            await patchSession(w, data)
            await postFlash(w, `flashed by ${writer.name}`, 'info')
            expectStatus(
              await w.put('/api/cookies/pref', { json: { value: 'dark mode', signed: true } }),
              204,
            )
            if (format !== 'flask')
              expect(
                (await w.cookieNames()).filter((name) => name.startsWith('session.')).length,
                'chunked',
              ).toBeGreaterThan(1)

            const r = w.withServer(readerServer)
            const reply = await r.get('/api/session')
            expect(expectJson(reply, 200)).toEqual({ data, isNew: false })
            expectNoSetCookie(reply)
            expect(await whoAmI(r)).toBe('bob')
            expect(expectJson(await r.get('/api/cookies/pref?signed=1'), 200)).toEqual({
              value: 'dark mode',
              valid: true,
            })
            expect(await readFlashes(r)).toEqual([
              { category: 'info', message: `flashed by ${writer.name}` },
            ])

            await patchSession(r, { answer: `from ${reader.name}` })
            expect(await readSession(w)).toEqual({
              data: { ...data, answer: `from ${reader.name}` },
              isNew: false,
            })
            expect(await readFlashes(w)).toEqual([])
          })
        }
      }
    })
  }
}
