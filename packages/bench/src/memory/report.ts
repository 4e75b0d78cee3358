import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { RESULTS_DIR } from '../paths.ts'

interface MemoryResults {
  clients: number
  exportBytes: number
  growth: Record<string, number>
}

/** The memory limit the adapter redesign set: held responses keep backpressure. */
const MEMORY_LIMIT = 1.5

const LABELS: Record<string, string> = {
  bare: 'Express, no session',
  cookietin: '@cookietin/express (node back-end: commits while writing headers)',
  'cookietin-web-crypto': '@cookietin/express (Web Crypto back-end: holds the response)',
  'cookie-session': 'cookie-session',
}

/** BENCHMARKS.md's memory section, from the newest `pnpm --filter @cookietin/bench memory` run. */
export function memorySection(): string[] {
  const newest = existsSync(RESULTS_DIR)
    ? readdirSync(RESULTS_DIR)
        .filter((f) => /^memory-\d{4}-\d{2}-\d{2}\.json$/.test(f))
        .sort()
        .at(-1)
    : undefined
  if (!newest) return []
  const run = JSON.parse(readFileSync(join(RESULTS_DIR, newest), 'utf8')) as MemoryResults
  const bare = Math.max(run.growth['bare'] ?? 0, 1)
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
  const lines = [
    '## Memory: clients that do not read',
    '',
    `From [\`bench/results/${newest}\`](bench/results/${newest}), written by \`pnpm --filter @cookietin/bench memory\` (a separate run). ${run.clients} clients ask an Express 5 route for a ${mb(run.exportBytes)} MB export streamed from a synchronous source and never read it. A middleware that buffered held writes would grow the server by the whole export per client; the target is at most ${MEMORY_LIMIT}x the growth of the bare route.`,
    '',
    '| server | RSS growth MB | / bare | target |',
    '|---|---:|---:|---|',
  ]
  for (const [variant, bytes] of Object.entries(run.growth)) {
    const ratio = bytes / bare
    const judged = variant.startsWith('cookietin')
      ? ratio <= MEMORY_LIMIT
        ? '**met**'
        : '**missed**'
      : ''
    lines.push(
      `| ${LABELS[variant] ?? variant} | ${mb(bytes)} | ${ratio.toFixed(2)}x | ${judged} |`,
    )
  }
  lines.push('')
  return lines
}
