/**
 * Core is web-standard except its one node:crypto back-end (packages/core/README.md, "Install").
 * This walks the module graph a non-Node runtime loads from the built package (the `import`/`require`
 * + `default` conditions, without `node`) and checks that nothing in it imports a Node builtin; and
 * scans the sources for the same. The build is run first when `dist` is missing.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const PKG = fileURLToPath(new URL('..', import.meta.url))
const DIST = join(PKG, 'dist')
const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>
  imports: Record<string, unknown>
}

const BUILTINS = new Set(builtinModules)
/** `node:anything`, or a bare builtin (`crypto`, `fs/promises`, ...). */
const isNodeBuiltin = (specifier: string) =>
  specifier.startsWith('node:') ||
  BUILTINS.has(specifier) ||
  BUILTINS.has(specifier.split('/')[0] as string)

/** Drops block comments and line comments (JSDoc mentions node:crypto, which is not an import). */
const stripComments = (code: string) =>
  code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')

/** Runtime module specifiers: static and dynamic imports, re-exports, require. Type-only imports are erased, so skipped. */
function importsOf(code: string): string[] {
  const source = stripComments(code)
  const found: string[] = []
  const patterns = [
    /\bimport\s+(?!type\b)(?:[\w$*{}\s,]+?\s+from\s*)?["']([^"']+)["']/g,
    /\bexport\s+(?!type\b)(?:[\w$*{}\s,]+?)\s*from\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ]
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) found.push(match[1] as string)
  return found
}

/** Node's conditional-target resolution: the first key (in object order) that is `default` or an active condition and resolves. */
function resolveTarget(target: unknown, conditions: ReadonlySet<string>): string | null {
  if (typeof target === 'string') return target
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return null
  for (const [key, value] of Object.entries(target)) {
    if (key !== 'default' && !conditions.has(key)) continue
    const resolved = resolveTarget(value, conditions)
    if (resolved !== null) return resolved
  }
  return null
}

interface Graph {
  files: string[]
  /** Specifiers that leave the package: builtins or dependencies. */
  external: { file: string; specifier: string }[]
  unresolved: { file: string; specifier: string }[]
}

function walk(entry: string, conditions: ReadonlySet<string>): Graph {
  const graph: Graph = { files: [], external: [], unresolved: [] }
  const queue = [entry]
  const seen = new Set(queue)
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    graph.files.push(relative(PKG, file))
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      let next: string | null = null
      if (specifier.startsWith('.')) next = resolve(dirname(file), specifier)
      else if (specifier.startsWith('#')) {
        const target = resolveTarget(pkg.imports[specifier], conditions)
        next = target === null ? null : resolve(PKG, target)
        if (next === null) graph.unresolved.push({ file: relative(PKG, file), specifier })
      } else graph.external.push({ file: relative(PKG, file), specifier })
      if (next === null) continue
      if (!existsSync(next)) graph.unresolved.push({ file: relative(PKG, file), specifier })
      else if (!seen.has(next)) {
        seen.add(next)
        queue.push(next)
      }
    }
  }
  return graph
}

function entryFor(conditions: ReadonlySet<string>): string {
  const target = resolveTarget(pkg.exports['.'], conditions)
  if (target === null)
    throw new Error(`package.json exports["."] has no target for ${[...conditions].join('+')}`)
  return resolve(PKG, target)
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.test.ts') &&
      !entry.name.endsWith('.d.ts')
      ? [path]
      : []
  })
}

describe('core imports nothing from Node outside its node:crypto back-end', () => {
  describe('built package (dist)', () => {
    beforeAll(() => {
      if (existsSync(join(DIST, 'index.js')) && existsSync(join(DIST, 'index.cjs'))) return
      const build = spawnSync('pnpm', ['tsdown'], { cwd: PKG, encoding: 'utf8', timeout: 170_000 })
      if (build.status !== 0) {
        throw new Error(
          `pnpm tsdown failed (${build.status ?? build.signal}):\n${build.stdout}\n${build.stderr}`,
        )
      }
    }, 180_000)

    const webTargets = [
      {
        format: 'ESM',
        conditions: new Set(['import']),
        entry: 'dist/index.js',
        backend: 'dist/backend.web.js',
      },
      {
        format: 'CJS',
        conditions: new Set(['require']),
        entry: 'dist/index.cjs',
        backend: 'dist/backend.web.cjs',
      },
    ]

    it.each(webTargets)(
      'the $format web entry ($entry, no `node` condition) and all it loads import no Node builtin',
      (target) => {
        expect(relative(PKG, entryFor(target.conditions))).toBe(target.entry)
        const graph = walk(entryFor(target.conditions), target.conditions)
        expect(graph.unresolved).toEqual([])
        // #crypto-backend resolved to the Web Crypto back-end, and never to the Node one.
        expect(graph.files).toContain(target.backend)
        expect(graph.files.filter((file) => file.includes('backend.node'))).toEqual([])
        expect(graph.external.filter(({ specifier }) => isNodeBuiltin(specifier))).toEqual([])
        // core has no dependencies at all, so nothing else leaves the package either.
        expect(graph.external).toEqual([])
      },
    )

    it.each([
      { format: 'ESM', conditions: new Set(['node', 'import']), backend: 'dist/backend.node.js' },
      { format: 'CJS', conditions: new Set(['node', 'require']), backend: 'dist/backend.node.cjs' },
    ])(
      'positive control: with the `node` condition the $format graph reaches $backend and its node:crypto import is seen',
      (target) => {
        const graph = walk(entryFor(target.conditions), target.conditions)
        expect(graph.unresolved).toEqual([])
        expect(graph.files).toContain(target.backend)
        expect(graph.external.map(({ specifier }) => specifier)).toContain('node:crypto')
        expect(graph.external.filter(({ file }) => !file.includes('backend.node'))).toEqual([])
      },
    )

    it('keeps #crypto-backend external: no back-end code is bundled into the entries', () => {
      for (const entry of ['index.js', 'index.cjs']) {
        const code = readFileSync(join(DIST, entry), 'utf8')
        expect(code).toMatch(/["']#crypto-backend["']/)
        expect(code).not.toMatch(/crypto\.subtle|createHmac|CompressionStream/)
      }
    })
  })

  describe('sources (src/)', () => {
    const files = sourceFiles(join(PKG, 'src')).filter(
      (file) => !file.endsWith(join('crypto', 'backend.node.ts')),
    )

    it('finds the sources to scan', () => {
      expect(files.map((file) => relative(PKG, file))).toContain(
        join('src', 'crypto', 'keyring.ts'),
      )
    })

    it('no source file outside crypto/backend.node.ts imports a Node builtin', () => {
      const offenders = files.flatMap((file) =>
        importsOf(readFileSync(file, 'utf8'))
          .filter(isNodeBuiltin)
          .map((specifier) => `${relative(PKG, file)}: ${specifier}`),
      )
      expect(offenders).toEqual([])
    })

    it('no source file outside crypto/backend.node.ts uses a Node-only global', () => {
      const offenders = files.flatMap((file) => {
        const code = stripComments(readFileSync(file, 'utf8'))
        return [
          ...code.matchAll(
            /(?<![\w$.'"])(Buffer|process|require|__dirname|__filename|setImmediate)\b(?!['"])/g,
          ),
        ].map((match) => `${relative(PKG, file)}: ${match[1]}`)
      })
      expect(offenders).toEqual([])
    })

    it('the import scanner itself sees node: imports (positive control)', () => {
      const code = readFileSync(join(PKG, 'src', 'crypto', 'backend.node.ts'), 'utf8')
      expect(importsOf(code)).toEqual(expect.arrayContaining(['node:crypto', 'node:zlib']))
      expect(
        importsOf(
          "import type { X } from 'node:http'\nimport { y } from 'fs'\nconst z = await import('node:os')",
        ),
      ).toEqual(['fs', 'node:os'])
    })
  })
})
