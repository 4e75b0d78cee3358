import { do_not_optimize, measure } from 'mitata'
import { type Spread, shuffled, spread } from '../stats.ts'
import { type MicroCase, type MicroGroup, checkAgreement, createMicroCases } from './cases.ts'

export interface MicroSettings {
  rounds: number
  /** mitata's `min_cpu_time` per case per round, in milliseconds. */
  minCpuTimeMs: number
  /** mitata's `min_samples` per case per round (its default is 12). */
  minSamples: number
  /**
   * `wall` (default) times with mitata's clock; `cpu` with this process's CPU time (all its
   * threads: Web Crypto's thread pool and the garbage collector's helpers included), which a busy
   * shared machine disturbs far less, at the price of not showing thread-pool waiting.
   */
  clock: 'wall' | 'cpu'
  /** Only these groups (default: all), to time a few cases with full settings in little time. */
  groups?: string[]
}

/** Process CPU time in nanoseconds, for mitata's `now`. */
export function cpuNow(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) * 1000
}

interface MicroCaseResult {
  id: string
  group: string
  lib: string
  /**
   * Time of one call in µs: each round's median sample (mitata's p50; fast cases are timed in
   * batches, so a sample already averages thousands of calls, garbage collection included), spread
   * over rounds. The median rather than the mean because the machine is shared: a round in which
   * the scheduler took the core away shifts a few samples, not the median.
   */
  us: Spread
  /** Each round's mean (mitata's `avg`), for reference: noisier on a busy machine. */
  meanUs: Spread
}

export interface MicroResults {
  settings: MicroSettings
  groups: MicroGroup[]
  cases: MicroCaseResult[]
}

/**
 * Checks every case agrees, then times them: `rounds` rounds, each running every case once in a
 * freshly shuffled order, so that no case always runs first (cold) or last (after the others'
 * garbage).
 */
export async function runMicro(
  settings: MicroSettings,
  log: (line: string) => void,
): Promise<MicroResults> {
  const all = await createMicroCases()
  const wanted = (group: string) => !settings.groups || settings.groups.includes(group)
  const groups = all.groups.filter((g) => wanted(g.id))
  const cases = all.cases.filter((c) => wanted(c.group))
  await checkAgreement(cases)
  log(`micro: ${cases.length} cases agree; timing ${settings.rounds} rounds, shuffled`)
  const avg = new Map<string, number[]>()
  const p50 = new Map<string, number[]>()
  for (let round = 0; round < settings.rounds; round++) {
    for (const c of shuffled(cases)) {
      const stats = await timeCase(c, settings)
      pushTo(p50, c.id, stats.p50 / 1000)
      pushTo(avg, c.id, stats.avg / 1000)
    }
    log(`micro: round ${round + 1}/${settings.rounds} done`)
  }
  return {
    settings,
    groups,
    cases: cases.map((c) => ({
      id: c.id,
      group: c.group,
      lib: c.lib,
      us: spread(p50.get(c.id)!),
      meanUs: spread(avg.get(c.id)!),
    })),
  }
}

function pushTo(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

async function timeCase(c: MicroCase, settings: MicroSettings) {
  const fn = c.fn
  // A wrapper keeps the result alive so V8 cannot drop the work; async results are awaited by
  // mitata.
  const probe = fn()
  const timed =
    probe instanceof Promise ? async () => do_not_optimize(await fn()) : () => do_not_optimize(fn())
  await probe
  return measure(timed, {
    min_cpu_time: settings.minCpuTimeMs * 1e6,
    min_samples: settings.minSamples,
    ...(settings.clock === 'cpu' ? { now: cpuNow } : {}),
  })
}
