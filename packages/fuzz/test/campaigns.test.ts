/**
 * The quick modes of the campaigns (`pnpm --filter @cookietin/fuzz fuzz --long` runs them at the
 * size docs/security.md publishes). Seeded from FUZZ_SEED or the clock; a failure prints its seed.
 */
import { describe, expect, it } from 'vitest'
import { CAMPAIGNS, SOAK_APPS } from '../src/campaigns.ts'
import { seedFromEnv } from '../src/random.ts'
import { verdict } from '../src/verdict.ts'

const seed = seedFromEnv()

describe(`campaigns, quick (seed ${seed})`, () => {
  it('Cookie headers: no throw, parseCookie agrees with parseCookies, Object.prototype untouched', () => {
    const figures = CAMPAIGNS.headers('test', seed)
    expect(verdict(figures), JSON.stringify(figures.failures)).toEqual([])
    expect(figures.headers).toBe(20_000)
  })

  it('tampering: no changed cookie is accepted, in any format or back-end', async () => {
    const figures = await CAMPAIGNS.tamper('test', seed)
    expect(verdict(figures), JSON.stringify(figures.results.map((r) => r.failures))).toEqual([])
    expect(figures.results).toHaveLength(6)
    for (const result of figures.results) expect(result.mutations).toBe(2_000)
  })

  it('bombs: every one refused or bounded', async () => {
    const figures = await CAMPAIGNS.bombs('test')
    expect(verdict(figures)).toEqual([])
    for (const result of figures.results) expect(result.maxMs).toBeLessThan(5_000)
  })

  it.each(SOAK_APPS)('soak of the %s app: no 5xx, no session mix-up', async (app) => {
    const [figures] = await CAMPAIGNS.soak('test', seed, [app])
    expect(verdict(figures), JSON.stringify(figures?.failures)).toEqual([])
    expect(figures?.requests).toBeGreaterThan(50)
  })
})
