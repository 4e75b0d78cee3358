/**
 * The release, without publishing: `pnpm release:dry-run` is `pnpm release` with `changeset publish`
 * swapped for `pnpm publish -r --dry-run` (changesets publishes through `pnpm publish` too, so the same
 * packing, publishConfig and `workspace:` rewriting apply). This runs its publish half (turbo built the
 * packages before this test, as the script's first half does) so `pnpm test` catches a broken release
 * the day it breaks. Also checks the changesets setup: the fixed group is exactly the public packages
 * and every pending changeset names public packages with a valid bump and a summary.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, publicPackages, readJson } from '../src/packages.ts'
import { describeRun, run } from '../src/run.ts'

const scripts = readJson(join(ROOT, 'package.json'))['scripts'] as Record<string, string>
const packages = publicPackages()
const BUILD = 'turbo run build --filter=./packages/*'
const DRY_RUN = ['publish', '-r', '--dry-run', '--no-git-checks']

describe('root release scripts', () => {
  it('release builds the packages then runs changeset publish', () => {
    expect(scripts['release']).toBe(`${BUILD} && changeset publish`)
    expect(scripts['version-packages']).toBe('changeset version')
    expect(scripts['changeset']).toBe('changeset')
  })

  it('release:dry-run is the same build, then the publish this test runs', () => {
    expect(scripts['release:dry-run']).toBe(`${BUILD} && pnpm ${DRY_RUN.join(' ')}`)
  })
})

it('pnpm publish -r --dry-run publishes exactly the public packages', async () => {
  const result = await run('pnpm', DRY_RUN, { cwd: ROOT, timeoutMs: 110_000 })
  const output = `${result.stdout}\n${result.stderr}`
  const details = describeRun('pnpm', DRY_RUN, ROOT, result)
  expect(result.code, details).toBe(0)
  const published = [...output.matchAll(/^\+ (@?[^@\s]+)@(\S+)$/gm)].map(
    ([, name, version]) => `${name}@${version}`,
  )
  expect(published.sort(), details).toEqual(
    packages.map((pkg) => `${pkg.name}@${pkg.manifest.version}`),
  )
  expect(output).toContain('(dry-run)')
})

describe('changesets', () => {
  const dir = join(ROOT, '.changeset')
  const config = readJson<{
    fixed: string[][]
    linked: string[][]
    access: string
    privatePackages: unknown
  }>(join(dir, 'config.json'))

  it('versions the public packages together (fixed), publicly', () => {
    expect(config.fixed.map((group) => [...group].sort())).toEqual([
      packages.map((pkg) => pkg.name),
    ])
    expect(config.linked).toEqual([])
    expect(config.access).toBe('public')
  })

  const files = readdirSync(dir).filter((file) => file.endsWith('.md') && file !== 'README.md')
  it.each(files.length > 0 ? files : ['(none pending)'])(
    '%s names public packages, a bump and a summary',
    (file) => {
      if (files.length === 0) return
      const text = readFileSync(join(dir, file), 'utf8')
      const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text)
      expect(match, `${file}: no front matter`).not.toBeNull()
      const [, front = '', summary = ''] = match as RegExpExecArray
      const entries = front
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => /^["']?(@?[^"':]+)["']?\s*:\s*(patch|minor|major)\s*$/.exec(line))
      expect(entries.every(Boolean), `${file}: every line is "package": patch|minor|major`).toBe(
        true,
      )
      const names = entries.map((entry) => (entry as RegExpExecArray)[1])
      expect(
        names.filter((name) => !packages.some((pkg) => pkg.name === name)),
        `${file}: unknown packages`,
      ).toEqual([])
      expect(summary.trim().length, `${file}: empty summary`).toBeGreaterThan(0)
    },
  )
})
