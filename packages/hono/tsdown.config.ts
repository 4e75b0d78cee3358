import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  // Core and node: builtins stay imports (dependencies and peers are external anyway).
  // (`deps.neverBundle` is tsdown 0.21's name for the deprecated `external`.)
  deps: { neverBundle: [/^@cookietin\//, /^node:/] },
  clean: true,
})
