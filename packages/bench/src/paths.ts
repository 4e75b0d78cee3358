import { fileURLToPath } from 'node:url'

/** The monorepo root: results and BENCHMARKS.md live there, not in the package. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url))
export const RESULTS_DIR = fileURLToPath(new URL('../../../bench/results/', import.meta.url))
export const BENCHMARKS_MD = fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url))
export const CHART_SVG = fileURLToPath(
  new URL('../../../bench/results/added-cpu.svg', import.meta.url),
)
