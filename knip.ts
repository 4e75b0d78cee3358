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
        '@cookietin/redis',
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
    'packages/migrate-interop': {
      // The old apps, each run as its own process by path (src/legacy.ts).
      entry: ['src/legacy/server.mjs'],
      // Imported by the TypeScript samples of docs/migrating.md that test/docs.test.ts compiles.
      ignoreDependencies: ['zod'],
    },
    'packages/docs-check': {
      // What the documentation's samples import, resolved from this package's node_modules by the
      // projects test/samples.test.ts writes; the workspace packages are also there so that turbo
      // builds them first (`^build`).
      ignoreDependencies: [
        '@cookietin/cli',
        '@cookietin/core',
        '@cookietin/express',
        '@cookietin/fastify',
        '@cookietin/fetch',
        '@cookietin/hono',
        '@cookietin/koa',
        '@cookietin/redis',
        '@hono/node-server',
        '@types/supertest',
        'fastify',
        'supertest',
        '@koa/router',
        '@types/express',
        '@types/koa',
        'express',
        'hono',
        'ioredis',
        'koa',
        'zod',
      ],
    },
    'packages/fuzz': {
      // The soak's server process, spawned by path (src/soak/run.ts).
      entry: ['src/soak/serve.ts'],
    },
    'packages/conformance': {
      // Debian's Chromium is installed with apt-get when missing (src/browser.ts).
      ignoreBinaries: ['apt-get'],
    },
    'packages/testkit': {
      // Debian's openssl makes the self-signed certificate of the nginx TLS proxy (src/tlsProxy.ts);
      // redis-server and redis-cli are started and stopped by tests (src/redis.ts).
      ignoreBinaries: ['openssl', 'redis-server', 'redis-cli'],
    },
  },
}

export default config
