/**
 * Builds the suite and runs it on each runtime: Node (twice: node:crypto and Web Crypto back-ends),
 * Bun, Deno (spawned, input on stdin, JSON lines on stdout) and workerd (through miniflare).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { SuiteInput, SuiteLine } from '../src/plan.ts'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = join(ROOT, 'dist')
const require = createRequire(import.meta.url)

function mtimes(path: string): number[] {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [statSync(path).mtimeMs]
  return readdirSync(path).flatMap((name) => mtimes(join(path, name)))
}

/**
 * The matrix tests the built packages. Under turbo (`pnpm test`) `^build` has just built them; run
 * alone (`pnpm --filter @cookietin/runtimes test`) they are built here when missing or older than
 * their sources.
 */
export function ensurePackagesBuilt(): void {
  const stale = ['core', 'hono', 'fetch'].filter((name) => {
    const pkg = join(ROOT, '..', name)
    const built = mtimes(join(pkg, 'dist'))
    const sources = [
      join(pkg, 'src'),
      join(pkg, 'package.json'),
      join(pkg, 'tsdown.config.ts'),
    ].flatMap(mtimes)
    return built.length === 0 || Math.min(...built) < Math.max(...sources)
  })
  if (stale.length === 0) return
  const filters = stale.flatMap((name) => ['--filter', `@cookietin/${name}`])
  const result = spawnSync('pnpm', [...filters, 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 160_000,
  })
  if (result.status !== 0) {
    throw new Error(`building ${stale.join(', ')} failed:\n${result.stdout}\n${result.stderr}`)
  }
}

export interface BuildResult {
  /** Files the worker bundle was made of, relative to this package. */
  workerInputs: string[]
  workerScript: string
}

/**
 * dist/host.js (Node, Bun, Deno) keeps every package import bare for the runtime to resolve;
 * dist/worker.js is one self-contained script, bundled as for Cloudflare Workers.
 */
export async function buildSuite(): Promise<BuildResult> {
  const common = {
    absWorkingDir: ROOT,
    outdir: 'dist',
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
  } as const
  await build({
    ...common,
    entryPoints: {
      host: 'src/host.ts',
      nodeWebCrypto: 'src/nodeWebCrypto.ts',
      nodeWebCryptoHooks: 'src/nodeWebCryptoHooks.ts',
    },
    packages: 'external',
  })
  const worker = await build({
    ...common,
    entryPoints: { worker: 'src/worker.ts' },
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    metafile: true,
  })
  return {
    workerInputs: Object.keys(worker.metafile.inputs),
    workerScript: readFileSync(join(DIST, 'worker.js'), 'utf8'),
  }
}

export interface RunResult {
  lines: SuiteLine[]
  /** Anything the runtime printed that is not a suite line (stderr, warnings). */
  output: string
  exitCode: number | null
  ms: number
}

export interface Runtime {
  name: string
  /** The back-end `#crypto-backend` must resolve to on this runtime. */
  backend: 'node' | 'web'
  /** Whether the crypto checks also run with the web back-end injected (where the default is node). */
  webBackendToo: boolean
  run(input: SuiteInput): Promise<RunResult>
  dispose?(): Promise<void>
}

function parseLines(stdout: string): { lines: SuiteLine[]; rest: string[] } {
  const lines: SuiteLine[] = []
  const rest: string[] = []
  for (const line of stdout.split('\n')) {
    if (line.startsWith('{')) {
      try {
        lines.push(JSON.parse(line) as SuiteLine)
        continue
      } catch {
        // not one of ours
      }
    }
    if (line.trim()) rest.push(line)
  }
  return { lines, rest }
}

const RUN_TIMEOUT_MS = 120_000

function spawnSuite(command: string, args: string[], input: SuiteInput): Promise<RunResult> {
  const start = performance.now()
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${RUN_TIMEOUT_MS} ms)`
      child.kill('SIGKILL')
    }, RUN_TIMEOUT_MS)
    const finish = (exitCode: number | null) => {
      clearTimeout(timer)
      const { lines, rest } = parseLines(stdout)
      resolve({
        lines,
        output: [...rest, stderr].join('\n').trim(),
        exitCode,
        ms: Math.round(performance.now() - start),
      })
    }
    child.on('error', (error) => {
      stderr += String(error)
      finish(null)
    })
    child.on('close', finish)
    child.stdin.on('error', () => undefined)
    child.stdin.end(JSON.stringify(input))
  })
}

/**
 * A runtime's own binary from its platform package (npm's optionalDependencies). pnpm does not run
 * the wrapper packages' install scripts, and Bun's `bin` shim needs its script; the binary does not.
 */
function platformBinary(wrapper: string, candidates: string[], file: string): string {
  const fromWrapper = createRequire(require.resolve(`${wrapper}/package.json`))
  for (const candidate of candidates) {
    try {
      const path = join(dirname(fromWrapper.resolve(`${candidate}/package.json`)), file)
      if (existsSync(path)) return path
    } catch {
      // not installed for this platform
    }
  }
  throw new Error(`No ${wrapper} binary installed among ${candidates.join(', ')}`)
}

const hostScript = join(DIST, 'host.js')

export function nodeRuntime(): Runtime {
  return {
    name: 'node',
    backend: 'node',
    webBackendToo: true,
    run: (input) => spawnSuite(process.execPath, [hostScript, 'node'], input),
  }
}

export function nodeWebCryptoRuntime(): Runtime {
  return {
    name: 'node-webcrypto',
    backend: 'web',
    webBackendToo: false,
    run: (input) =>
      spawnSuite(
        process.execPath,
        ['--import', join(DIST, 'nodeWebCrypto.js'), hostScript, 'node-webcrypto'],
        input,
      ),
  }
}

/** The Bun binary of this platform's package. */
export function bunBinary(): string {
  const arch = process.arch === 'arm64' ? 'aarch64' : process.arch
  const base = `@oven/bun-${process.platform}-${arch}`
  return platformBinary(
    'bun',
    [base, `${base}-baseline`, `${base}-musl`, `${base}-musl-baseline`],
    'bin/bun',
  )
}

/** The Deno binary of this platform's package. */
export function denoBinary(): string {
  return platformBinary(
    'deno',
    [
      `@deno/${process.platform}-${process.arch}-glibc`,
      `@deno/${process.platform}-${process.arch}`,
    ],
    'deno',
  )
}

export function bunRuntime(): Runtime {
  const bun = bunBinary()
  return {
    name: 'bun',
    backend: 'node',
    webBackendToo: true,
    run: (input) => spawnSuite(bun, ['--no-install', hostScript, 'bun'], input),
  }
}

export function denoRuntime(): Runtime {
  const deno = denoBinary()
  return {
    name: 'deno',
    backend: 'node',
    webBackendToo: true,
    run: (input) =>
      spawnSuite(
        deno,
        [
          'run',
          '--node-modules-dir=manual', // node_modules as pnpm laid it out, no npm fetches
          '--no-prompt',
          '--allow-net=127.0.0.1', // the app's server and the suite's fetches to it
          `--allow-read=${join(ROOT, '..', 'core', 'dist')}`, // only for host.ts's import of backend.web.js
          hostScript,
          'deno',
        ],
        input,
      ),
  }
}

export async function workerdRuntime(script: string): Promise<Runtime> {
  const { Miniflare } = await import('miniflare')
  const mf = new Miniflare({
    modules: true,
    script,
    // No `nodejs_compat`: the bundle must run on plain workerd.
    compatibilityDate: '2026-07-01',
    // Do not fetch Cloudflare's request.cf data from the network.
    cf: false,
  })
  await mf.ready
  return {
    name: 'workerd',
    backend: 'web',
    webBackendToo: false,
    async run(input) {
      const start = performance.now()
      try {
        const response = await mf.dispatchFetch('http://runtimes.test/', {
          method: 'POST',
          body: JSON.stringify(input),
        })
        const { lines, rest } = parseLines(await response.text())
        return {
          lines,
          output: rest.join('\n'),
          exitCode: response.status === 200 ? 0 : response.status,
          ms: Math.round(performance.now() - start),
        }
      } catch (error) {
        return {
          lines: [],
          output: String(error),
          exitCode: null,
          ms: Math.round(performance.now() - start),
        }
      }
    },
    dispose: () => mf.dispose(),
  }
}
