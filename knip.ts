import type { KnipConfig } from 'knip'

// Unused files, exports, types and dependencies across the workspace; `pnpm test` runs it (turbo's
// `//#knip`). Entries knip finds on its own: package.json exports and scripts, test files, configs.
const config: KnipConfig = {
  workspaces: {
    '.': {
      entry: ['scripts/*.mjs'],
    },
    'packages/runtimes': {
      // Bundled with esbuild by test/runtimes.ts and run in each runtime.
      entry: ['src/host.ts', 'src/worker.ts', 'src/nodeWebCrypto.ts', 'src/nodeWebCryptoHooks.ts'],
      // The runtimes' binaries, spawned by path (node_modules/bun, node_modules/deno); srvx, which
      // the fetch example's bundle (test/fetchExample.ts) leaves for each runtime to resolve.
      ignoreDependencies: ['bun', 'deno', 'srvx'],
      // `pnpm --filter … build`, which knip reads as a binary named build.
      ignoreBinaries: ['build'],
    },
    'packages/packaging': {
      // Apps and consumers that test/install.test.ts copies to a folder outside the workspace and
      // installs there from the tarballs: a project of their own.
      ignore: ['fixtures/**'],
      // The packages it packs, devDependencies so that turbo builds them first (`^build`) and only
      // imported by the fixtures; attw is run from node_modules/.bin by path.
      ignoreDependencies: [
        '@arethetypeswrong/cli',
        '@cookietin/cli',
        '@cookietin/core',
        '@cookietin/express',
        '@cookietin/fastify',
        '@cookietin/fetch',
        '@cookietin/hono',
        '@cookietin/koa',
      ],
    },
    'packages/recipes': {
      // Each recipe is a small app's files, type-checked (tsconfig.<recipe>.json, `deno check`) and
      // shown in docs/recipes; nothing imports them.
      entry: ['src/**/*.ts'],
      // Deno's binary, spawned by path for `deno check`.
      ignoreDependencies: ['deno'],
    },
    'packages/cli': {
      // The `cookietin` binary (package.json `bin` names its build output, dist/bin.js).
      entry: ['src/bin.ts'],
      // util-linux `script`, which gives the colour test a terminal.
      ignoreBinaries: ['script'],
    },
    'packages/conformance': {
      // Debian's Chromium is installed with apt-get when missing (src/browser.ts).
      ignoreBinaries: ['apt-get'],
    },
  },
}

export default config
