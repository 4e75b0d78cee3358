/**
 * docs/recipes shows exactly the files of src/<recipe>/, which `pnpm typecheck` checks against each
 * framework's published types (tsconfig.<recipe>.json); the Deno recipe is checked by Deno itself.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DOCS = join(ROOT, '..', '..', 'docs', 'recipes')
const RECIPES = ['nextjs', 'react-router', 'sveltekit', 'astro', 'bun', 'deno']

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

/** The ```ts blocks of a Markdown file, without their fences. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
}

describe.each(RECIPES)('recipe: %s', (recipe) => {
  it(`docs/recipes/${recipe}.md shows every file of src/${recipe}, unchanged, and nothing else`, () => {
    const blocks = codeBlocks(readFileSync(join(DOCS, `${recipe}.md`), 'utf8'))
    const sources = filesUnder(join(ROOT, 'src', recipe)).map((file) => ({
      file: relative(ROOT, file),
      text: readFileSync(file, 'utf8'),
    }))
    expect(blocks.length).toBe(sources.length)
    for (const { file, text } of sources)
      expect(blocks, `${file} is not in the recipe as it is`).toContain(text)
  })
})

it('docs/recipes/README.md links every recipe', () => {
  const readme = readFileSync(join(DOCS, 'README.md'), 'utf8')
  for (const recipe of RECIPES) expect(readme).toContain(`(${recipe}.md)`)
})

/** Deno's binary from its platform package (pnpm does not run the wrapper's install script). */
function denoBinary(): string {
  const require = createRequire(import.meta.url)
  const fromWrapper = createRequire(require.resolve('deno/package.json'))
  for (const candidate of [
    `@deno/${process.platform}-${process.arch}-glibc`,
    `@deno/${process.platform}-${process.arch}`,
  ]) {
    try {
      const path = join(dirname(fromWrapper.resolve(`${candidate}/package.json`)), 'deno')
      if (existsSync(path)) return path
    } catch {
      // not installed for this platform
    }
  }
  throw new Error('No Deno binary installed for this platform')
}

it('the Deno recipe passes `deno check` against the built @cookietin/fetch', () => {
  const fetchDist = join(ROOT, '..', 'fetch', 'dist', 'index.d.ts')
  if (!existsSync(fetchDist)) {
    const built = spawnSync('pnpm', ['--filter', '@cookietin/fetch...', 'build'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    expect(built.status, `${built.stdout}\n${built.stderr}`).toBe(0)
  }
  const files = filesUnder(join(ROOT, 'src', 'deno'))
  const args = [
    'check',
    '--node-modules-dir=manual', // pnpm's node_modules, no registry access
    '--no-config',
    // The workspace links @cookietin/* to their folders, which Deno reads as local files rather
    // than npm packages, so it does not map their types' `.js` imports to `.d.ts` without this.
    '--unstable-sloppy-imports',
    ...files,
  ]
  const result = spawnSync(denoBinary(), args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    timeout: 120_000,
  })
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0)
})
