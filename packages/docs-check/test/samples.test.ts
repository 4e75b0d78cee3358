/**
 * Every TypeScript block of README.md, packages/*\/README.md and docs/**\/*.md compiles as a reader
 * would paste it (see src/compile.ts for the project and options). One test per block, titled with its
 * file and line; a failure lists each error at its line in the Markdown file and the folder to rerun
 * `tsc -p` in. Blocks marked ```ts fragment are listed as skipped.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { createSampleProject, formatDiagnostics } from '../src/compile.ts'
import { extractTypeScriptBlocks, isFragment } from '../src/extract.ts'
import { ROOT, documentationFiles } from '../src/files.ts'

const files = documentationFiles()
const blocks = files.flatMap((file) =>
  extractTypeScriptBlocks(readFileSync(join(ROOT, file), 'utf8'), file),
)
const project = createSampleProject()
let failed = false

afterAll(() => {
  // A failed sample's folder stays, so its `tsc -p` command can be run.
  if (!failed) project.dispose()
})

describe('TypeScript samples in the docs compile', () => {
  test('finds the samples of the READMEs and docs/', () => {
    expect(files).toContain('README.md')
    expect(blocks.filter((block) => !isFragment(block)).length).toBeGreaterThan(10)
  })

  for (const block of blocks) {
    const title = `${block.file}:${block.line}`
    if (isFragment(block)) {
      test.skip(`${title} (a fragment)`, () => {})
      continue
    }
    test(title, () => {
      const result = project.check(block)
      if (result.diagnostics.length > 0) failed = true
      expect(
        result.diagnostics,
        `${formatDiagnostics(block, result)}\n(rerun: npx tsc -p ${result.dir})`,
      ).toEqual([])
    })
  }
})
