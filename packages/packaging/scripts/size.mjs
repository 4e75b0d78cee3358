#!/usr/bin/env node
// Core's size as an app pays for it: each entry point bundled from the built package (dist, resolved
// through package.json `exports` and `imports` like any consumer's bundler) with esbuild, minified,
// then gzipped (node:zlib, level 9). Web rows use a browser/worker bundler's conditions (`#crypto-backend`
// resolves to the Web Crypto back-end); the Node row uses the `node` condition (node:crypto back-end,
// node: builtins left external). Every export is kept (`export *`), so these are upper bounds: a
// bundler drops what an app does not import.
//
//   node scripts/size.mjs          print the table, write packages/core/SIZE.md and the table in
//                                  packages/core/README.md (between its size:start and size:end markers)
//   node scripts/size.mjs --check  print the table only
import { Buffer } from 'node:buffer'
import console from 'node:console'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import process from 'node:process'
import { URL, fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const HERE = fileURLToPath(new URL('..', import.meta.url))
const CORE = fileURLToPath(new URL('../../core/', import.meta.url))
export const SIZE_MD = `${CORE}SIZE.md`
export const README = `${CORE}README.md`
const README_START = /<!-- size:start[^>]*-->\n/
const README_END = '<!-- size:end -->'

/** Strings only the Flask format's code contains, which minifying keeps: its default salt, its messages, its tag. */
export const FLASK_MARKERS = ['cookie-session', 'SECRET_KEY', 'cookietin.flask.tuple']
/** Strings only the migrate readers' code contains: iron's seal prefix, koa-session's cookie, a reader's name. */
export const MIGRATE_MARKERS = ['Fe26.2', 'koa.sess', 'iron-session']

/** What each row bundles: `contents` is the module an app would write. */
export const ENTRIES = [
  {
    id: 'main-web',
    label: '`@cookietin/core` for browsers and workers: `dist/index.js` + `dist/backend.web.js`',
    contents: `export * from '@cookietin/core'`,
    platform: 'browser',
  },
  {
    id: 'main-node',
    label: '`@cookietin/core` on Node: `dist/index.js` + `dist/backend.node.js`',
    contents: `export * from '@cookietin/core'`,
    platform: 'node',
  },
  {
    id: 'flask',
    label: '`@cookietin/core/flask` alone: `dist/flask.js` + `dist/backend.web.js`',
    contents: `export * from '@cookietin/core/flask'`,
    platform: 'browser',
  },
  {
    id: 'main-and-flask',
    label: '`@cookietin/core` + `@cookietin/core/flask` (a Flask-interop app)',
    contents: `export * from '@cookietin/core'\nexport * from '@cookietin/core/flask'`,
    platform: 'browser',
  },
  {
    id: 'migrate',
    label: '`@cookietin/core/migrate` alone: `dist/migrate.js`',
    contents: `export * from '@cookietin/core/migrate'`,
    platform: 'browser',
  },
  {
    id: 'main-and-migrate',
    label: '`@cookietin/core` + `@cookietin/core/migrate` (an app switching libraries)',
    contents: `export * from '@cookietin/core'\nexport * from '@cookietin/core/migrate'`,
    platform: 'browser',
  },
  {
    id: 'session-only',
    label: '`createSessionHandler` only (what an adapter imports), web',
    contents: `export { createSessionHandler, isCookietinError } from '@cookietin/core'`,
    platform: 'browser',
  },
  {
    id: 'backend-web',
    label: '`dist/backend.web.js` alone (Web Crypto)',
    contents: `export * from '${CORE}dist/backend.web.js'`,
    platform: 'browser',
  },
  {
    id: 'backend-node',
    label: '`dist/backend.node.js` alone (node:crypto)',
    contents: `export * from '${CORE}dist/backend.node.js'`,
    platform: 'node',
  },
]

/** Bundles, minifies and gzips every entry. Throws when core is not built. */
export async function measure() {
  if (!existsSync(`${CORE}dist/index.js`))
    throw new Error('packages/core/dist is missing: run `pnpm --filter @cookietin/core build`')
  return Promise.all(
    ENTRIES.map(async (entry) => {
      const result = await build({
        stdin: {
          contents: entry.contents,
          resolveDir: HERE,
          loader: 'js',
          sourcefile: `<${entry.id}>`,
        },
        bundle: true,
        minify: true,
        format: 'esm',
        target: 'es2022',
        platform: entry.platform,
        external: ['node:*'],
        write: false,
        metafile: true,
        logLevel: 'silent',
      })
      const code = result.outputFiles[0].text
      const inputs = Object.keys(result.metafile.inputs)
        .filter((path) => !path.startsWith('<'))
        .map((path) => path.replace(/^(?:.*\/)?core\//, ''))
        .sort()
      return {
        ...entry,
        code,
        inputs,
        minified: Buffer.byteLength(code),
        gzip: gzipSync(code, { level: 9 }).length,
      }
    }),
  )
}

/** kB = 1000 bytes, as npm and bundlephobia count. */
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`

export function renderTable(rows) {
  const lines = ['| bundle | minified | min + gzip |', '|---|---:|---:|']
  for (const row of rows) lines.push(`| ${row.label} | ${kb(row.minified)} | ${kb(row.gzip)} |`)
  return lines.join('\n')
}

export function renderMarkdown(rows) {
  const byId = Object.fromEntries(rows.map((row) => [row.id, row]))
  const flaskCost = byId['main-and-flask'].gzip - byId['main-web'].gzip
  const migrateCost = byId['main-and-migrate'].gzip - byId['main-web'].gzip
  return `# @cookietin/core size

Generated by \`pnpm --filter @cookietin/packaging size\` (packages/packaging/scripts/size.mjs): each entry
point bundled from \`dist\` with esbuild as a consumer's bundler would (through \`exports\` and the
\`#crypto-backend\` import map, browser conditions for the web rows, \`node\` for the Node rows),
minified, then gzipped (level 9); 1 kB = 1000 bytes. Every export is kept, so each row is an upper
bound: a bundler drops what an app does not import. Core has no dependencies.

${renderTable(rows)}

The Flask format is its own entry point, \`@cookietin/core/flask\`: \`@cookietin/core\` does not contain it
(packages/packaging/test/size.test.ts checks the main bundle has none of the Flask code), so only apps
that read or write Flask's cookies pay its ${kb(flaskCost)} (gzip) on top of the main entry. So is
\`@cookietin/core/migrate\`, the readers of the \`migrateFrom\` option (checked the same way): apps that
switch from cookie-session, koa-session or iron-session pay its ${kb(migrateCost)} (gzip), the others nothing.
`
}

/** The README with its size table replaced. */
export function updateReadme(readme, rows) {
  const start = README_START.exec(readme)
  const end = readme.indexOf(README_END)
  if (!start || end < start.index)
    throw new Error(`${README}: no <!-- size:start --> ... ${README_END} markers`)
  const from = start.index + start[0].length
  return `${readme.slice(0, from)}${renderTable(rows)}\n${readme.slice(end)}`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await measure()
  console.log(renderTable(rows))
  if (!process.argv.includes('--check')) {
    writeFileSync(SIZE_MD, renderMarkdown(rows))
    writeFileSync(README, updateReadme(readFileSync(README, 'utf8'), rows))
    console.log(`\nwrote ${SIZE_MD} and the table in ${README}`)
  }
}
