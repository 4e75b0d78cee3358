/**
 * Pack and install, as a user meets the packages: for each framework, a fresh folder under the OS temp
 * directory (outside the workspace, so no workspace link or hoisted module can help) gets
 * `npm install <core.tgz> <adapter.tgz> <framework> typescript`, then
 * - an ESM app (`app.mjs`) and a CommonJS app (`app.cjs`) each start a server on port 0, log in over
 *   HTTP with fetch, read the session back, and exit 0 (each also checks it loaded `dist/index.js` or
 *   `dist/index.cjs` respectively);
 * - a TypeScript consumer with typed session data (`@ts-expect-error` lines prove the types are not
 *   `any`) type-checks against the packed types with `tsc` under `module: nodenext` (ESM, the `import`
 *   types), `moduleResolution: bundler`, and `module: commonjs` + `moduleResolution: node10` (the
 *   `require`-side `.d.cts` through the top-level `types` field and `typesVersions`; the `require`
 *   condition under nodenext is covered by arethetypeswrong). `skipLibCheck` is on, as in most projects.
 * The framework versions are the adapters' own devDependencies; nothing is cached between runs but npm's
 * download cache.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { FIXTURES, ROOT, publicPackages, readJson } from '../src/packages.ts'
import { createLimit, describeRun, mustRun, run } from '../src/run.ts'

const tarballs = inject('tarballs')
const manifests = Object.fromEntries(publicPackages().map((pkg) => [pkg.folder, pkg.manifest]))
const rootDev = readJson(join(ROOT, 'package.json'))['devDependencies'] as Record<string, string>

/** The adapter's devDependency range for each package the consumer installs beside it. */
function versioned(folder: string, names: string[]): string[] {
  const dev = manifests[folder]?.['devDependencies'] as Record<string, string>
  return names.map((name) => {
    if (!dev[name]) throw new Error(`packages/${folder} has no devDependency ${name}`)
    return `${name}@${dev[name]}`
  })
}

const frameworks = [
  { name: 'express', extra: versioned('express', ['express', '@types/express']) },
  // @types/node as a Hono-on-Node project has it (express and koa typings bring it along).
  {
    name: 'hono',
    extra: [
      ...versioned('hono', ['hono', '@hono/node-server']),
      `@types/node@${rootDev['@types/node']}`,
    ],
  },
  { name: 'koa', extra: versioned('koa', ['koa', '@types/koa']) },
  // Fastify's own types need @types/node, which it does not bring along.
  {
    name: 'fastify',
    extra: [...versioned('fastify', ['fastify']), `@types/node@${rootDev['@types/node']}`],
  },
  // srvx serves the ESM app; the CommonJS one converts node:http by hand (srvx is ESM-only).
  {
    name: 'fetch',
    extra: [...versioned('fetch', ['srvx']), `@types/node@${rootDev['@types/node']}`],
  },
] as const

const TS_CONFIGS = ['nodenext', 'bundler', 'node10'] as const
/** tsc and the servers are CPU-bound: two at a time. */
const cpu = createLimit(2)

let base: string
const folders = new Map<string, Promise<string>>()
const timings: string[] = []

/** Sets up one framework's folder: the fixtures, a package.json, and one `npm install` of everything. */
async function prepare(framework: (typeof frameworks)[number]): Promise<string> {
  const dir = join(base, framework.name)
  await mustRun('mkdir', ['-p', dir], { cwd: base })
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `cookietin-${framework.name}-consumer`, private: true, type: 'module' }, null, 2)}\n`,
  )
  const copies: Array<[string, string]> = [
    [join(FIXTURES, framework.name, 'app.mjs'), 'app.mjs'],
    [join(FIXTURES, framework.name, 'app.cjs'), 'app.cjs'],
    [join(FIXTURES, framework.name, 'consumer.ts'), 'consumer.ts'],
    [join(FIXTURES, 'shared', 'roundTrip.mjs'), 'roundTrip.mjs'],
    [join(FIXTURES, 'shared', 'roundTrip.cjs'), 'roundTrip.cjs'],
    ...TS_CONFIGS.map((config): [string, string] => [
      join(FIXTURES, 'shared', `tsconfig.${config}.json`),
      `tsconfig.${config}.json`,
    ]),
  ]
  await Promise.all(copies.map(([from, to]) => copyFile(from, join(dir, to))))
  const args = [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--no-package-lock',
    '--loglevel=error',
    tarballs['@cookietin/core'] as string,
    tarballs[`@cookietin/${framework.name}`] as string,
    ...framework.extra,
    `typescript@${rootDev['typescript']}`,
  ]
  const result = await mustRun('npm', args, { cwd: dir, timeoutMs: 150_000 })
  timings.push(`npm install (${framework.name}): ${result.ms} ms`)
  return dir
}

beforeAll(() => {
  const started = performance.now()
  return (async () => {
    base = await mkdtemp(join(tmpdir(), 'cookietin-consumers-'))
    for (const framework of frameworks) folders.set(framework.name, prepare(framework))
    // Wait for all here so a failed install is reported once per framework by its tests, not as a hook error.
    await Promise.allSettled(folders.values())
    timings.push(`setup: ${Math.round(performance.now() - started)} ms`)
  })()
})

afterAll(async () => {
  console.log(`pack-and-install timings:\n  ${timings.join('\n  ')}`)
  if (base) await rm(base, { recursive: true, force: true })
})

describe.each(frameworks)('$name from the tarballs', (framework) => {
  it.concurrent.each(['app.mjs', 'app.cjs'])(
    '%s sets a session and reads it back over HTTP',
    async (file) => {
      const dir = await (folders.get(framework.name) as Promise<string>)
      const result = await cpu(() => run(process.execPath, [file], { cwd: dir, timeoutMs: 30_000 }))
      timings.push(`node ${framework.name}/${file}: ${result.ms} ms`)
      expect(result.code, describeRun('node', [file], dir, result)).toBe(0)
      expect(result.stdout).toContain(': ok')
    },
  )

  it.concurrent.each(TS_CONFIGS)(
    'the TypeScript consumer type-checks (tsconfig.%s.json)',
    async (config) => {
      const dir = await (folders.get(framework.name) as Promise<string>)
      const args = ['-p', `tsconfig.${config}.json`]
      const result = await cpu(() =>
        run(join(dir, 'node_modules', '.bin', 'tsc'), args, { cwd: dir, timeoutMs: 90_000 }),
      )
      timings.push(`tsc ${framework.name} ${config}: ${result.ms} ms`)
      expect(result.code, describeRun('tsc', args, dir, result)).toBe(0)
    },
  )
})
