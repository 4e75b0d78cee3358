/**
 * apps/fetch-example as a runtime runs it: bundled once (the example's own sources and the site it
 * shares with the other apps; `@cookietin/*` and srvx left bare, so each runtime resolves the built
 * packages and its own srvx adapter), then one process per server the conformance suite asks for.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { build } from 'esbuild'
import type { StartServer } from '@cookietin/conformance'
import { ROOT } from './runtimes.ts'

const EXAMPLE_SCRIPT = join(ROOT, 'dist', 'fetch-example.js')
const START_TIMEOUT_MS = 30_000

export async function buildFetchExample(): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, '..', '..', 'apps', 'fetch-example', 'src', 'main.ts')],
    outfile: EXAMPLE_SCRIPT,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['@cookietin/core', '@cookietin/core/*', '@cookietin/fetch', 'srvx', 'node:*'],
    logLevel: 'silent',
  })
}

/** A `startServer` that runs the bundled example in its own process of `command args...`. */
export function spawnedExample(command: string, args: string[]): StartServer {
  return ({ env = {}, port = 0, host = '127.0.0.1' } = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, [...args, EXAMPLE_SCRIPT], {
        cwd: ROOT,
        env: {
          PATH: process.env['PATH'],
          NO_COLOR: '1',
          DENO_NO_UPDATE_CHECK: '1',
          ...env,
          PORT: String(port),
          HOST: host,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      let listening = false
      const exited = new Promise<void>((done) => child.once('close', () => done()))
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`no "listening on" within ${START_TIMEOUT_MS} ms:\n${output}`))
      }, START_TIMEOUT_MS)
      const onData = (isError: boolean) => (chunk: Buffer) => {
        const text = chunk.toString('utf8')
        output += text
        if (listening) return
        // What the app prints while starting (its warnings) is shown as the conformance suite's
        // in-process apps show theirs: on this process's console, where the suite captures it.
        for (const line of text.split('\n').filter(Boolean)) {
          const url = /listening on (http:\/\/\S+)/.exec(line)?.[1]
          if (url) {
            listening = true
            clearTimeout(timer)
            resolve({
              url,
              port: Number(new URL(url).port),
              close: async () => {
                child.kill('SIGTERM')
                await exited
              },
            })
            return
          }
          if (isError) console.warn(line)
          else console.log(line)
        }
      }
      child.stdout.on('data', onData(false))
      child.stderr.on('data', onData(true))
      child.once('close', (code) => {
        clearTimeout(timer)
        if (!listening) reject(new Error(`exited with ${code} before listening:\n${output}`))
      })
    })
}
