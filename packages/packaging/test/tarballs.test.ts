/**
 * The published shape of every public package, checked on the tarball `pnpm pack` makes (what
 * `pnpm publish` and `changeset publish` upload), plus publint on the package folder:
 * - the package.json conventions (types first, ESM + CJS, engines, sideEffects, files,
 *   license and LICENSE, repository);
 * - the workspace-only `@cookietin/source` condition is not published (publishConfig.exports/imports hold
 *   the same maps without it) and `workspace:` ranges are rewritten;
 * - publint (strict, every level) and arethetypeswrong (strict profile: node10, node16 CJS and ESM,
 *   bundler) report no problem at all.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { formatMessage } from 'publint/utils'
import { publint } from 'publint'
import { describe, expect, inject, it } from 'vitest'
import {
  type Manifest,
  PACKAGES_DIR,
  SOURCE_CONDITION,
  publicPackages,
  stripSourceCondition,
} from '../src/packages.ts'
import { describeRun, run } from '../src/run.ts'
import { readTarball } from '../src/tarball.ts'

const ATTW = join(PACKAGES_DIR, 'packaging', 'node_modules', '.bin', 'attw')
const tarballs = inject('tarballs')
const packages = publicPackages()

/** attw runs take seconds each: start all of them at once, each test awaits its own. */
const attwRuns = new Map(
  packages.map((pkg) => {
    const args = [tarballs[pkg.name] as string, '--format', 'json', '--profile', 'strict']
    return [pkg.name, { args, result: run(ATTW, args, { cwd: pkg.dir }) }] as const
  }),
)

/** Every key path in an exports/imports map, to find conditions by name. */
function conditionPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, inner]) => [
    [...path, key],
    ...conditionPaths(inner, [...path, key]),
  ])
}

/** Each conditions object in a map whose keys include `types` must have it first. */
function typesNotFirst(value: unknown, path: string[] = []): string[] {
  if (typeof value !== 'object' || value === null) return []
  const keys = Object.keys(value)
  const here = keys.includes('types') && keys[0] !== 'types' ? [path.join('.')] : []
  return [
    ...here,
    ...Object.entries(value).flatMap(([key, inner]) => typesNotFirst(inner, [...path, key])),
  ]
}

it('finds the eight public packages', () => {
  expect(packages.map((pkg) => pkg.name)).toEqual([
    '@cookietin/cli',
    '@cookietin/core',
    '@cookietin/express',
    '@cookietin/fastify',
    '@cookietin/fetch',
    '@cookietin/hono',
    '@cookietin/koa',
    '@cookietin/redis',
  ])
  expect(Object.keys(tarballs).sort()).toEqual(packages.map((pkg) => pkg.name))
})

describe.each(packages)('$name', ({ name, folder, dir, manifest }) => {
  it('package.json follows the conventions', () => {
    expect(manifest).toMatchObject({
      type: 'module',
      sideEffects: false,
      files: ['dist'],
      license: 'MIT',
      engines: { node: '>=20.19' },
      repository: {
        type: 'git',
        url: 'git+https://github.com/cookietin/cookietin.git',
        directory: `packages/${folder}`,
      },
      main: './dist/index.cjs',
      module: './dist/index.js',
      types: './dist/index.d.cts',
      publishConfig: { access: 'public' },
    })
    const exports = manifest['exports'] as Record<string, Record<string, unknown>>
    expect(exports['./package.json']).toBe('./package.json')
    for (const [subpath, entry] of Object.entries(exports)) {
      if (subpath === './package.json') continue
      expect(Object.keys(entry), `exports["${subpath}"]`).toEqual([
        SOURCE_CONDITION,
        'import',
        'require',
      ])
    }
    expect(typesNotFirst(exports), 'conditions objects where `types` is not first').toEqual([])
    expect(typesNotFirst(manifest['imports'] ?? {})).toEqual([])
  })

  it('publishConfig.exports/imports are exports/imports without the source condition', () => {
    const publishConfig = manifest['publishConfig'] as Record<string, unknown>
    expect(publishConfig['exports']).toEqual(stripSourceCondition(manifest['exports']))
    expect(publishConfig['imports']).toEqual(stripSourceCondition(manifest['imports']))
  })

  it('the tarball holds dist, README, LICENSE and a publishable package.json', async () => {
    const { files, manifest: packed } = await readTarball(tarballs[name] as string)
    const paths = files.map((file) => file.path).sort()
    expect(paths).toContain('package/LICENSE')
    expect(paths).toContain('package/README.md')
    expect(paths).toContain('package/package.json')
    expect(
      paths.filter((path) => !/^package\/(dist\/|LICENSE$|README\.md$|package\.json$)/.test(path)),
    ).toEqual([])
    for (const ext of ['js', 'cjs', 'd.ts', 'd.cts'])
      expect(paths).toContain(`package/dist/index.${ext}`)

    const conditions = [...conditionPaths(packed['exports']), ...conditionPaths(packed['imports'])]
    expect(conditions.filter((path) => path.includes(SOURCE_CONDITION))).toEqual([])
    expect(packed['exports']).toEqual((manifest['publishConfig'] as Manifest)['exports'])
    const ranges = Object.values<string>({
      ...(packed['dependencies'] as Record<string, string>),
      ...(packed['peerDependencies'] as Record<string, string>),
      ...(packed['optionalDependencies'] as Record<string, string>),
    })
    expect(ranges.filter((range) => range.startsWith('workspace:'))).toEqual([])
    if (name !== '@cookietin/core') {
      // Beyond core, only what each package's README justifies: the CLI's argument parser (cac),
      // Express's per-response writeHead hook (on-headers), Fastify's plugin wrapper
      // (fastify-plugin).
      const extra = {
        '@cookietin/cli': 'cac',
        '@cookietin/express': 'on-headers',
        '@cookietin/fastify': 'fastify-plugin',
      }[name]
      const own = manifest['dependencies'] as Record<string, string>
      const parser = extra ? { [extra]: own[extra] } : {}
      expect(packed['dependencies']).toEqual({ '@cookietin/core': `^${packed.version}`, ...parser })
    }
  })

  it('README has install, an example, the options and links to the docs', async () => {
    const { files } = await readTarball(tarballs[name] as string)
    const readme =
      files.find((file) => file.path === 'package/README.md')?.data.toString('utf8') ?? ''
    expect(readme).toMatch(new RegExp(`\`\`\`sh\\n(npm i|pnpm add) ${name}\\b`))
    expect(readme).toMatch(/```ts\n[\s\S]*?from '@cookietin\/[a-z]+'[\s\S]*?```/)
    expect(readme).toContain(
      'https://github.com/cookietin/cookietin/blob/main/docs/sessions.md#options',
    )
    for (const doc of ['sessions', 'cookies', 'migrating-from-flask']) {
      expect(readme).toContain(`https://github.com/cookietin/cookietin/blob/main/docs/${doc}.md`)
    }
  })

  it('publint (strict) finds nothing, on the folder and on the tarball', async () => {
    const tarball = await readFile(tarballs[name] as string)
    const [onFolder, onTarball] = await Promise.all([
      publint({ pkgDir: dir, pack: 'pnpm', strict: true, level: 'suggestion' }),
      publint({
        pack: { tarball: new Uint8Array(tarball).buffer },
        strict: true,
        level: 'suggestion',
      }),
    ])
    const show = (result: typeof onFolder) =>
      result.messages.map(
        (message) =>
          `${message.type}: ${formatMessage(message, result.pkg, { color: false }) ?? message.code}`,
      )
    expect(show(onFolder), `publint ${dir}`).toEqual([])
    expect(show(onTarball), `publint ${tarballs[name]}`).toEqual([])
  })

  it('arethetypeswrong (strict profile) finds nothing', async () => {
    const { args, result: running } = attwRuns.get(name) as {
      args: string[]
      result: ReturnType<typeof run>
    }
    const result = await running
    const report = (() => {
      try {
        return JSON.parse(result.stdout) as {
          analysis: { problems?: unknown[] }
          problems: Record<string, unknown[]>
        }
      } catch {
        return undefined
      }
    })()
    expect(report, describeRun('attw', args, dir, result)).toBeDefined()
    const problems = Object.entries(report?.problems ?? {}).flatMap(([kind, list]) =>
      list.map((problem) => `${kind}: ${JSON.stringify(problem)}`),
    )
    expect(problems, describeRun('attw', args, dir, result)).toEqual([])
    expect(result.code, describeRun('attw', args, dir, result)).toBe(0)
  })
})
