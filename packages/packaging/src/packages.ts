import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const PACKAGES_DIR = join(ROOT, 'packages')
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))

/** The workspace-only export condition: source files for tests and typecheck without a build. */
export const SOURCE_CONDITION = '@cookietin/source'

export interface Manifest {
  name: string
  version: string
  private?: boolean
  [field: string]: unknown
}

export interface PublicPackage {
  /** `@cookietin/core` */
  name: string
  /** `core`: the folder under packages/ */
  folder: string
  dir: string
  manifest: Manifest
}

export function readJson<T = Manifest>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}

/**
 * Every non-private package under packages/: what `pnpm publish -r` and `changeset publish` ship.
 */
export function publicPackages(): PublicPackage[] {
  return readdirSync(PACKAGES_DIR)
    .filter((folder) => existsSync(join(PACKAGES_DIR, folder, 'package.json')))
    .map((folder) => {
      const dir = join(PACKAGES_DIR, folder)
      const manifest = readJson(join(dir, 'package.json'))
      return { name: manifest.name, folder, dir, manifest }
    })
    .filter((pkg) => pkg.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * A package.json map without the source condition: what `publishConfig.exports`/`.imports` must
 * hold.
 */
export function stripSourceCondition(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, inner]) => [key, stripSourceCondition(inner)]),
  )
}

/** The tarball paths globalSetup made, by package name. */
export type Tarballs = Record<string, string>
