/**
 * Packs every public package once, as `pnpm publish` would (publishConfig applied, `workspace:^`
 * rewritten to the version), into a fresh temporary folder the test files share; removed at the end.
 * Under `pnpm test`, turbo builds the packages first (`test` depends on `^build`); run on its own, a
 * package without `dist` is built here.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { publicPackages, type Tarballs } from '../src/packages.ts'
import { mustRun } from '../src/run.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    tarballs: Tarballs
  }
}

export default async function setup(project: TestProject) {
  const packDir = await mkdtemp(join(tmpdir(), 'cookietin-pack-'))
  const packages = publicPackages()
  for (const pkg of packages) {
    if (!existsSync(join(pkg.dir, 'dist'))) {
      await mustRun('pnpm', ['run', 'build'], { cwd: pkg.dir, timeoutMs: 170_000 })
    }
  }
  const tarballs: Tarballs = {}
  await Promise.all(
    packages.map(async (pkg) => {
      const { stdout } = await mustRun('pnpm', ['pack', '--json', '--pack-destination', packDir], {
        cwd: pkg.dir,
      })
      tarballs[pkg.name] = (JSON.parse(stdout) as { filename: string }).filename
    }),
  )
  project.provide('tarballs', tarballs)
  return async () => {
    await rm(packDir, { recursive: true, force: true })
  }
}
