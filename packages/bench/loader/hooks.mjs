// Node module hooks that run TypeScript as written: esbuild strips the types of one file at a time
// and adds nothing else. tsx would do, but it always compiles with esbuild's `keepNames`, which wraps
// every named closure in a `__name(fn, "name")` call (an Object.defineProperty each time the closure
// is created): a cost in hot paths that the published build does not have, so it must not be timed.
import { readFile } from 'node:fs/promises'
import process from 'node:process'
import { URL, fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

const TS = /\.(?:ts|mts)$/

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS.test(new URL(url).pathname)) return nextLoad(url, context)
  const path = fileURLToPath(url)
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcefile: path,
  })
  return { format: 'module', source: code, shortCircuit: true }
}
