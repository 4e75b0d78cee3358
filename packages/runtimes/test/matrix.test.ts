/**
 * The runtime matrix (issue 9): the suite (src/suite.ts) on Node with each crypto back-end, Bun, Deno
 * and workerd, every test title naming its runtime. Two passes: each runtime runs the checks and writes
 * one session per format; then each reads every session every runtime wrote, through its own app.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FORMATS, type SuiteLine, type WrittenSession, plannedChecks } from '../src/plan.ts'
import {
  type BuildResult,
  ROOT,
  type RunResult,
  type Runtime,
  buildSuite,
  bunRuntime,
  denoRuntime,
  ensurePackagesBuilt,
  nodeRuntime,
  nodeWebCryptoRuntime,
  workerdRuntime,
} from './runtimes.ts'

const RUNTIMES = [
  { name: 'node', backend: 'node', webBackendToo: true },
  { name: 'node-webcrypto', backend: 'web', webBackendToo: false },
  { name: 'bun', backend: 'node', webBackendToo: true },
  { name: 'deno', backend: 'node', webBackendToo: true },
  { name: 'workerd', backend: 'web', webBackendToo: false },
] as const

interface Outcome {
  checks?: RunResult
  interop?: RunResult
  error?: string
}

const outcomes = new Map<string, Outcome>()
const runtimes: Runtime[] = []
let built: BuildResult | undefined

async function start(name: string, script: string): Promise<Runtime> {
  switch (name) {
    case 'node':
      return nodeRuntime()
    case 'node-webcrypto':
      return nodeWebCryptoRuntime()
    case 'bun':
      return bunRuntime()
    case 'deno':
      return denoRuntime()
    default:
      return workerdRuntime(script)
  }
}

beforeAll(async () => {
  const begin = performance.now()
  ensurePackagesBuilt()
  if (process.env['UPDATE_FIXTURES'] === '1') {
    // Imported only now: it loads the built core, which may not have existed before ensurePackagesBuilt.
    const { generateFlaskFixtures } = await import('./flaskFixtures.ts')
    await generateFlaskFixtures()
  }
  built = await buildSuite()
  const script = built.workerScript
  await Promise.all(
    RUNTIMES.map(async ({ name }) => {
      try {
        runtimes.push(await start(name, script))
      } catch (error) {
        outcomes.set(name, { error: `could not start: ${String(error)}` })
      }
    }),
  )
  await Promise.all(
    runtimes.map(async (runtime) => {
      outcomes.set(runtime.name, { checks: await runtime.run({ phase: 'checks' }) })
    }),
  )
  const sessions: WrittenSession[] = []
  for (const outcome of outcomes.values()) {
    for (const line of outcome.checks?.lines ?? [])
      if (line.type === 'session') sessions.push(line.session)
  }
  await Promise.all(
    runtimes.map(async (runtime) => {
      const outcome = outcomes.get(runtime.name) as Outcome
      outcome.interop = await runtime.run({ phase: 'interop', sessions })
    }),
  )
  const timings = [...outcomes].map(
    ([name, o]) => `${name} ${o.checks?.ms ?? '-'} + ${o.interop?.ms ?? '-'} ms`,
  )
  console.log(
    `runtime matrix: ${Math.round(performance.now() - begin)} ms in all (${timings.join(', ')})`,
  )
  // Every runtime's raw output, for a look at details (back-ends, transports, byte-identical counts).
  writeFileSync(
    join(ROOT, 'dist', 'matrix.json'),
    `${JSON.stringify(Object.fromEntries(outcomes), null, 2)}\n`,
  )
}, 170_000)

afterAll(async () => {
  await Promise.all(
    runtimes.map((runtime) => (runtime.dispose ? runtime.dispose() : Promise.resolve())),
  )
})

/** The run's own output, for a failure message. */
function context(run: RunResult | undefined): string {
  if (!run) return 'the runtime did not run'
  return `exit ${run.exitCode}, ${run.lines.length} lines${run.output ? `; output:\n${run.output.slice(0, 4000)}` : ''}`
}

function outcomeOf(name: string): Outcome {
  const outcome = outcomes.get(name)
  if (!outcome || outcome.error) throw new Error(outcome?.error ?? `${name} did not run`)
  return outcome
}

function line<T extends SuiteLine['type']>(
  run: RunResult | undefined,
  type: T,
  match: (line: Extract<SuiteLine, { type: T }>) => boolean = () => true,
): Extract<SuiteLine, { type: T }> | undefined {
  return run?.lines.find(
    (l): l is Extract<SuiteLine, { type: T }> =>
      l.type === type && match(l as Extract<SuiteLine, { type: T }>),
  )
}

describe.each(RUNTIMES)('$name', (runtime) => {
  const tag = `[${runtime.name}]`

  it(`${tag} runs the built packages (dist, not source) with the ${runtime.backend} crypto back-end`, () => {
    const { checks } = outcomeOf(runtime.name)
    const info = line(checks, 'info')
    expect(info, context(checks)).toBeDefined()
    expect(line(checks, 'end'), `the suite did not finish: ${context(checks)}`).toBeDefined()
    expect(info?.backend).toBe(runtime.backend)
    if (runtime.name === 'workerd') {
      const inputs = built?.workerInputs ?? []
      for (const file of [
        '../core/dist/index.js',
        '../core/dist/flask.js',
        '../core/dist/backend.web.js',
        '../hono/dist/index.js',
        '../fetch/dist/index.js',
      ]) {
        expect(inputs).toContain(file)
      }
      expect(
        inputs.filter((file) => /backend\.node|\/(core|hono|fetch)\/src\//.test(file)),
      ).toEqual([])
      expect(built?.workerScript).not.toMatch(
        /\bfrom\s*["']node:|require\(["']node:|import\(["']node:/,
      )
    } else {
      expect(info?.resolved).toMatchObject({
        '@cookietin/core': expect.stringMatching(/\/packages\/core\/dist\/index\.js$/),
        '@cookietin/core/flask': expect.stringMatching(/\/packages\/core\/dist\/flask\.js$/),
        '@cookietin/hono': expect.stringMatching(/\/packages\/hono\/dist\/index\.js$/),
        '@cookietin/fetch': expect.stringMatching(/\/packages\/fetch\/dist\/index\.js$/),
      })
    }
  })

  it.each(plannedChecks({ webBackendToo: runtime.webBackendToo }))(`${tag} %s`, (name) => {
    const { checks } = outcomeOf(runtime.name)
    const result = line(checks, 'check', (l) => l.name === name)
    expect(result, `no result: ${context(checks)}`).toBeDefined()
    if (!result?.ok) throw new Error(result?.error)
  })

  it(`${tag} every check the suite ran was planned, and every write for the others succeeded`, () => {
    const { checks } = outcomeOf(runtime.name)
    const planned = new Set(plannedChecks({ webBackendToo: runtime.webBackendToo }))
    const failed = checks?.lines.filter(
      (l) => l.type === 'check' && (!planned.has(l.name) || !l.ok),
    )
    expect(failed).toEqual([])
    const written = checks?.lines.flatMap((l) => (l.type === 'session' ? [l.session.format] : []))
    expect(written).toEqual([...FORMATS])
  })

  describe.each(FORMATS)('%s', (format) => {
    it.each(RUNTIMES.map((writer) => writer.name))(
      `${tag} reads the ${format} session written by %s`,
      (writer) => {
        const { interop } = outcomeOf(runtime.name)
        const result = line(interop, 'interop', (l) => l.format === format && l.writer === writer)
        expect(result, `no result (did ${writer} write one?): ${context(interop)}`).toBeDefined()
        if (!result?.ok) throw new Error(result?.error)
      },
    )
  })
})
