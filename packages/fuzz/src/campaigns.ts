/**
 * The campaigns and their two sizes: quick (what `pnpm test` runs, seconds each) and long (what
 * docs/security.md publishes). `pnpm --filter @cookietin/fuzz fuzz [--long] [campaign...]`.
 */
import { detonate } from './bombs.ts'
import { fuzzHeaders } from './headers.ts'
import { soak } from './soak/run.ts'
import { tamper } from './tamper.ts'

export type Mode = 'quick' | 'long' | 'test'
export const SOAK_APPS = ['express', 'hono', 'koa', 'fastify', 'fetch'] as const

const SIZES = {
  test: { headers: 20_000, tamper: 2_000, bombs: 2, soakSeconds: 6, clients: 6 },
  quick: { headers: 100_000, tamper: 10_000, bombs: 5, soakSeconds: 60, clients: 12 },
  long: { headers: 1_000_000, tamper: 100_000, bombs: 50, soakSeconds: 600, clients: 12 },
} as const

export const CAMPAIGNS = {
  headers: (mode: Mode, seed: number) =>
    fuzzHeaders({
      count: SIZES[mode].headers,
      seed,
      hugeBytes: mode === 'long' ? 1 << 20 : 1 << 18,
    }),
  tamper: (mode: Mode, seed: number) => tamper({ count: SIZES[mode].tamper, seed }),
  bombs: (mode: Mode) => detonate({ repeats: SIZES[mode].bombs }),
  soak: async (
    mode: Mode,
    seed: number,
    apps: readonly string[] = SOAK_APPS,
    seconds: number = SIZES[mode].soakSeconds,
  ) => {
    const results = []
    for (const app of apps) {
      results.push(await soak({ app, seconds, clients: SIZES[mode].clients, seed }))
    }
    return results
  },
} as const
