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
      // The runtimes' binaries, spawned by path (node_modules/bun, node_modules/deno).
      ignoreDependencies: ['bun', 'deno'],
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
        '@cookietin/hono',
        '@cookietin/koa',
        '@cookietin/redis',
      ],
    },
    'packages/cli': {
      // The `cookietin` binary (package.json `bin` names its build output, dist/bin.js).
      entry: ['src/bin.ts'],
      // util-linux `script`, which gives the colour test a terminal.
      ignoreBinaries: ['script'],
    },
    'packages/testkit': {
      // Debian's redis-server and redis-cli, which tests start and stop (src/redis.ts).
      ignoreBinaries: ['redis-server', 'redis-cli'],
    },
    'packages/conformance': {
      // Debian's Chromium is installed with apt-get when missing (src/browser.ts).
      ignoreBinaries: ['apt-get'],
    },
  },
}

export default config
