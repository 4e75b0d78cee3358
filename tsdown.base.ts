import type { UserConfig } from 'tsdown'

/**
 * The one build every public package shares: ESM + CJS + types, runtime-neutral, ES2022.
 * `neverBundle` lists what must stay an import in dist (tsdown 0.21's name for `external`).
 */
export function packageBuild(
  entry: Record<string, string>,
  neverBundle: (string | RegExp)[],
): UserConfig {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'neutral',
    target: 'es2022',
    deps: { neverBundle: [...neverBundle, /^node:/] },
    clean: true,
  }
}
