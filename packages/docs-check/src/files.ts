import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

function markdownUnder(folder: string): string[] {
  if (!existsSync(folder)) return []
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/**
 * The documentation whose samples are checked, relative to the root and sorted: README.md, every
 * package's README.md, and every page under docs/ (getting-started pages included). The recipes
 * (docs/recipes/) are not: each of their blocks is a file of packages/recipes, type-checked there
 * against its framework's own types, and that package's test keeps the pages and files equal.
 */
export function documentationFiles(root = ROOT): string[] {
  const packages = join(root, 'packages')
  const readmes = readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packages, entry.name, 'README.md'))
    .filter((path) => existsSync(path))
  return [join(root, 'README.md'), ...readmes, ...markdownUnder(join(root, 'docs'))]
    .map((path) => relative(root, path))
    .filter((path) => !path.startsWith(join('docs', 'recipes')))
    .sort()
}
