/**
 * The tests run the binary users get, `node dist/bin.js`, one subprocess per call. Under `pnpm test`
 * turbo has built core (`test` depends on `^build`); run on its own, core is built here when its dist
 * lacks the testing entry, and the CLI whenever its dist is missing or older than its sources. Neither
 * is rebuilt needlessly: other packages' tests may be reading those dist folders at the same time.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('..', import.meta.url))
const CORE = join(CLI, '..', 'core')

function build(dir: string): void {
  const result = spawnSync('pnpm', ['run', 'build'], { cwd: dir, encoding: 'utf8' })
  if (result.status !== 0)
    throw new Error(`pnpm run build in ${dir} failed:\n${result.stdout}\n${result.stderr}`)
}

const newest = (dir: string): number =>
  Math.max(
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map(
      (file) => statSync(join(dir, file)).mtimeMs,
    ),
  )

export default function setup(): void {
  if (!existsSync(join(CORE, 'dist', 'testing.js'))) build(CORE)
  const bin = join(CLI, 'dist', 'bin.js')
  if (
    !existsSync(bin) ||
    statSync(bin).mtimeMs <
      Math.max(newest(join(CLI, 'src')), statSync(join(CLI, 'package.json')).mtimeMs)
  ) {
    build(CLI)
  }
}
