/**
 * Finds the TypeScript code blocks of a Markdown file. A block is compiled unless its info string marks
 * it as a fragment (```ts fragment): a signature, a file listing, a few lines that need context the page
 * gives in prose. Everything else must compile on its own, as a reader would paste it.
 */

export interface CodeBlock {
  /** The Markdown file, relative to the repository root (`packages/express/README.md`). */
  file: string
  /** 1-based line of the opening fence. */
  line: number
  /** The words after the fence's language (`fragment`). */
  flags: readonly string[]
  code: string
}

const TYPESCRIPT = new Set(['ts', 'typescript', 'mts'])
const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/

/** Every ```ts (or ```typescript) block of `markdown`, in order, fragments included. */
export function extractTypeScriptBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/)
  const blocks: CodeBlock[] = []
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index] ?? '')
    if (!open) continue
    const [, indent = '', fence = '', info = ''] = open
    const [language = '', ...flags] = info.trim().split(/\s+/)
    const body: string[] = []
    let end = index + 1
    // A closing fence is the same character, at least as long, with nothing after it.
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    while (end < lines.length && !closing.test(lines[end] ?? '')) {
      const text = lines[end] ?? ''
      // Content is unindented by as much as the fence was (CommonMark).
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart())
      end++
    }
    if (TYPESCRIPT.has(language.toLowerCase())) {
      blocks.push({ file, line: index + 1, flags, code: `${body.join('\n')}\n` })
    }
    index = end
  }
  return blocks
}

export const isFragment = (block: CodeBlock) => block.flags.includes('fragment')
