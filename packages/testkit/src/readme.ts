import { readFileSync } from 'node:fs'

/**
 * The fenced code blocks of one section of a Markdown file (from its `## heading` to the next
 * heading of that level or above), each as its text without the fences. Tests compare a README's
 * samples with the test files that run them, so the two cannot drift apart.
 */
export function markdownCodeBlocks(file: string | URL, heading: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const level = /^#+/.exec(heading)?.[0].length ?? 2
  const title = heading.replace(/^#+\s*/, '')
  const start = lines.findIndex((line) => line === `${'#'.repeat(level)} ${title}`)
  if (start === -1) throw new Error(`${String(file)}: no heading "${heading}"`)
  const blocks: string[] = []
  let block: string[] | null = null
  for (const line of lines.slice(start + 1)) {
    if (block === null) {
      const depth = /^(#+) /.exec(line)?.[1]?.length
      if (depth !== undefined && depth <= level) break
      if (line.startsWith('```')) block = []
    } else if (line.startsWith('```')) {
      blocks.push(`${block.join('\n')}\n`)
      block = null
    } else {
      block.push(line)
    }
  }
  return blocks
}
