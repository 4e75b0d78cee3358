import { readFileSync } from 'node:fs'
import { markdownCodeBlocks } from '@cookietin/testkit'
import { expect, test } from 'vitest'

// The sample runs as its own test file and type-checks with the package's tests; this keeps the
// README showing exactly that file.
test('the README Testing section shows test/readmeTesting.test.ts as it is', () => {
  const sample = readFileSync(new URL('./readmeTesting.test.ts', import.meta.url), 'utf8')
  expect(markdownCodeBlocks(new URL('../README.md', import.meta.url), '## Testing')).toContain(
    sample,
  )
})
