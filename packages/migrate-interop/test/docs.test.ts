/**
 * docs/migrating.md's TypeScript samples compile: each `ts` block is written as a module of this
 * package (so it resolves the workspace's packages and the frameworks) and type-checked with the
 * repository's strict settings (exactOptionalPropertyTypes, noUncheckedIndexedAccess...).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, expect, test } from 'vitest'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const HERE = fileURLToPath(new URL('..', import.meta.url))
const DOC = join(ROOT, 'docs', 'migrating.md')
const OUT = join(HERE, '.docs-samples')

afterAll(() => rmSync(OUT, { recursive: true, force: true }))

test('every TypeScript sample in docs/migrating.md type-checks', () => {
  const samples = [...readFileSync(DOC, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(
    (match) => match[1] as string,
  )
  expect(samples.length).toBeGreaterThanOrEqual(5)
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT)
  const files = samples.map((code, index) => {
    const file = join(OUT, `sample${index + 1}.ts`)
    writeFileSync(file, code)
    return file
  })
  const config = ts.getParsedCommandLineOfConfigFile(
    join(HERE, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
      },
    },
  )
  if (!config) throw new Error('tsconfig.json did not parse')
  // The repository's settings except one style rule: samples write `process.env.NAME`, as apps do.
  const options = { ...config.options, noPropertyAccessFromIndexSignature: false }
  const program = ts.createProgram(files, options)
  const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file
      ? `${diagnostic.file.fileName.slice(OUT.length + 1)}:${
          diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1
        }`
      : ''
    return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`
  })
  expect(diagnostics).toEqual([])
})
