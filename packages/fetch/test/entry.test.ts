import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))

/** Bundles the package's entry as a bundler would for a runtime with these export conditions. */
async function bundle(conditions: string[]) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['@cookietin/source', ...conditions],
    external: ['node:*'],
    logLevel: 'silent',
  })
  const inputs = Object.keys(result.metafile.inputs)
  const imports = Object.values(result.metafile.inputs).flatMap((input) =>
    input.imports.map((each) => each.path),
  )
  return { inputs, imports }
}

describe('fetch: the default entry', () => {
  it('fetch: bundled for a worker or a browser, it imports no Node built-in and uses Web Crypto', async () => {
    const { inputs, imports } = await bundle(['workerd', 'worker', 'browser', 'import'])
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([])
    expect(inputs.some((path) => path.endsWith('crypto/backend.web.ts'))).toBe(true)
    expect(inputs.some((path) => path.endsWith('crypto/backend.node.ts'))).toBe(false)
  })

  it('fetch: under the node condition, core brings its node:crypto back-end', async () => {
    const { inputs, imports } = await bundle(['node', 'import'])
    expect(inputs.some((path) => path.endsWith('crypto/backend.node.ts'))).toBe(true)
    expect(imports).toContain('node:crypto')
  })
})
