import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    flask: 'src/flask.ts',
    'backend.node': 'src/crypto/backend.node.ts',
    'backend.web': 'src/crypto/backend.web.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  // The back-end is chosen by the consumer's export conditions at run time, never at build time:
  // `#crypto-backend` must stay an import in dist (test/noNodeImports.test.ts checks it).
  // (`deps.neverBundle` is tsdown 0.21's name for the deprecated `external`.)
  deps: { neverBundle: ['#crypto-backend', /^node:/] },
  clean: true,
})
