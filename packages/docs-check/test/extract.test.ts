import { describe, expect, test } from 'vitest'
import { extractTypeScriptBlocks, isFragment } from '../src/extract.ts'

const markdown = [
  '# Title', //                         1
  '```ts', //                           2
  'const a: number = 1', //             3
  '```', //                             4
  '```sh', //                           5
  'pnpm add x', //                      6
  '```', //                             7
  '- a list item', //                   8
  '  ```ts fragment', //                9
  '  startServer(options?: Options)', // 10
  '  ```', //                           11
  '````typescript', //                  12
  '```ts', //                           13
  '````', //                            14
].join('\n')

describe('extractTypeScriptBlocks', () => {
  const blocks = extractTypeScriptBlocks(markdown, 'doc.md')

  test('finds ts and typescript blocks with the line of their fence, and no other language', () => {
    expect(blocks.map((block) => [block.line, block.code])).toEqual([
      [2, 'const a: number = 1\n'],
      [9, 'startServer(options?: Options)\n'],
      [12, '```ts\n'],
    ])
  })

  test('reads the info string after the language: `fragment` marks a block not to compile', () => {
    expect(blocks.map(isFragment)).toEqual([false, true, false])
    expect(blocks[1]?.file).toBe('doc.md')
  })
})
