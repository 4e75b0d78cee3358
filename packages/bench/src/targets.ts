/**
 * Issue 7's targets, each a ratio of two figures of the same run. Computed from a results object so
 * that the CLI's summary and BENCHMARKS.md can never disagree.
 */
import type { LinearityResults } from './linearity.ts'
import type { LoadConfigResult, LoadResults } from './load/run.ts'
import type { MicroResults } from './micro/run.ts'
import type { Comparator, TargetResult } from './results.ts'
import { fmt } from './stats.ts'

function judge(measured: number | null, comparator: Comparator, limit: number): boolean | null {
  if (measured === null || !Number.isFinite(measured)) return null
  if (comparator === '<=') return measured <= limit
  if (comparator === '<') return measured < limit
  return measured >= limit
}

function target(
  section: TargetResult['section'],
  id: string,
  title: string,
  measured: number | null,
  comparator: Comparator,
  limit: number,
  detail: string,
): TargetResult {
  const finite = measured !== null && Number.isFinite(measured) ? measured : null
  return {
    id,
    section,
    title,
    measured: finite,
    comparator,
    limit,
    met: judge(finite, comparator, limit),
    detail,
  }
}

/** a / b, or null unless both are positive numbers. */
function ratio(a: number | undefined, b: number | undefined): number | null {
  return a !== undefined && b !== undefined && a > 0 && b > 0 ? a / b : null
}

function microTargets(micro: MicroResults): TargetResult[] {
  const m = (id: string) => micro.cases.find((c) => c.id === id)?.us.median
  const us = (id: string) => `${fmt(m(id))} µs`
  const pair = (
    section: 'micro',
    id: string,
    title: string,
    a: string,
    b: string,
    comparator: Comparator,
    limit: number,
  ) =>
    target(
      section,
      id,
      title,
      ratio(m(a), m(b)),
      comparator,
      limit,
      `${a} ${us(a)} / ${b} ${us(b)}`,
    )
  const inverse = (id: string, title: string, fast: string, slow: string, limit: number) =>
    target(
      'micro',
      id,
      title,
      ratio(m(slow), m(fast)),
      '>=',
      limit,
      `${slow} ${us(slow)} / ${fast} ${us(fast)}`,
    )
  return [
    pair(
      'micro',
      'parse-5',
      'Parse 5 cookies: cookietin / cookie@2',
      'parse-5/cookietin',
      'parse-5/cookie@2',
      '<=',
      1,
    ),
    pair(
      'micro',
      'parse-40',
      'Parse 40 cookies: cookietin / cookie@2',
      'parse-40/cookietin',
      'parse-40/cookie@2',
      '<=',
      1,
    ),
    pair(
      'micro',
      'parse-3k',
      'Parse one 3 KB value: cookietin / cookie@2',
      'parse-3k/cookietin',
      'parse-3k/cookie@2',
      '<=',
      1,
    ),
    pair(
      'micro',
      'serialize',
      'Serialize 5 attributes: cookietin / cookie@2',
      'serialize/cookietin',
      'serialize/cookie@2',
      '<=',
      1,
    ),
    pair(
      'micro',
      'sign-floor',
      'Sign + verify (node): cookietin / raw HMAC floor',
      'sign-verify/cookietin:node',
      'sign-verify/floor:node:crypto',
      '<=',
      1.5,
    ),
    pair(
      'micro',
      'sign-cookie-signature',
      'Sign + verify (node): cookietin / cookie-signature',
      'sign-verify/cookietin:node',
      'sign-verify/cookie-signature',
      '<',
      1,
    ),
    pair(
      'micro',
      'verify-old-key',
      'Verify with the oldest of 3 keys / the newest (node)',
      'verify-3keys/cookietin:node:oldest',
      'verify-3keys/cookietin:node:newest',
      '<=',
      1.1,
    ),
    pair(
      'micro',
      'migrate-no-legacy',
      'No session cookie: with `migrateFrom` / without (node)',
      'migrate/cookietin:migrateFrom',
      'migrate/cookietin',
      '<=',
      1.05,
    ),
    pair(
      'micro',
      'seal-floor',
      'Seal + unseal (node): cookietin / raw AES-GCM floor',
      'seal-unseal/cookietin:node',
      'seal-unseal/floor:node:crypto',
      '<=',
      1.5,
    ),
    inverse(
      'seal-iron',
      'Seal + unseal: iron-webcrypto / cookietin (node)',
      'seal-unseal/cookietin:node',
      'seal-unseal/iron-webcrypto',
      40,
    ),
    inverse(
      'web-vs-hono',
      'Signed cookie round trip: Hono / cookietin (Web Crypto back-end)',
      'signed-cookie/cookietin:web',
      'signed-cookie/hono',
      2,
    ),
  ]
}

/** The frameworks whose session layers have load targets (node:http has only its floor). */
export const LOAD_TARGET_FRAMEWORKS = ['express', 'koa', 'hono', 'fastify', 'fetch'] as const
/**
 * Target (a): cookietin's added CPU at most this many times its framework's floor of the same kind.
 */
export const FLOOR_LIMIT = 1.5
/** Target (b): the best peer's added CPU at least this many times cookietin's of the same kind. */
export const PEER_LIMIT = 2

const addedMedian = (load: LoadResults, id: string) =>
  load.configs.find((c) => c.id === id)?.addedCpuUs?.median

/**
 * The framework's peer (incumbent) with the least added CPU in this run, or undefined when none has
 * a positive figure. "Best" is per run, so a peer that wins one run and loses the next is judged on
 * both.
 */
export function bestPeer(load: LoadResults, framework: string): LoadConfigResult | undefined {
  let best: LoadConfigResult | undefined
  for (const c of load.configs) {
    if (c.framework !== framework || c.role !== 'incumbent') continue
    const added = c.addedCpuUs?.median
    if (added === undefined || !(added > 0)) continue
    if (!best || added < best.addedCpuUs!.median) best = c
  }
  return best
}

/**
 * Per framework, both against that framework's own floor (the same hand-written cookie as a
 * middleware of that framework, so the framework's cost of having any session middleware at all is
 * in both): (a) cookietin added CPU / floor added CPU, signed and sealed; (b) best peer / cookietin
 * of the peer's kind (a signed peer against cookietin signed, a sealed one against cookietin
 * sealed).
 */
function loadTargets(load: LoadResults): TargetResult[] {
  const find = (id: string) => load.configs.find((c) => c.id === id)
  const show = (id: string) => `${id} +${fmt(addedMedian(load, id))} µs`
  const out: TargetResult[] = []
  for (const framework of LOAD_TARGET_FRAMEWORKS) {
    for (const kind of ['signed', 'sealed'] as const) {
      const ours = `${framework}/cookietin-${kind}`
      const floor = `${framework}/floor-${kind}`
      if (!find(ours) || !find(floor)) continue
      out.push(
        target(
          'load',
          `load-${framework}-${kind}-floor`,
          `${framework}: cookietin ${kind} added CPU / ${framework} floor ${kind}`,
          ratio(addedMedian(load, ours), addedMedian(load, floor)),
          '<=',
          FLOOR_LIMIT,
          `${show(ours)} / ${show(floor)}`,
        ),
      )
    }
    const peer = bestPeer(load, framework)
    const ours = peer && `${framework}/cookietin-${peer.kind === 'sealed' ? 'sealed' : 'signed'}`
    if (!peer || !ours || !find(ours)) continue
    out.push(
      target(
        'load',
        `load-${framework}-best-peer`,
        `${framework}: best peer (${peer.library}) added CPU / cookietin ${peer.kind}`,
        ratio(addedMedian(load, peer.id), addedMedian(load, ours)),
        '>=',
        PEER_LIMIT,
        `${show(peer.id)} / ${show(ours)}`,
      ),
    )
  }
  return out
}

function linearityTargets(linearity: LinearityResults): TargetResult[] {
  const worst = linearity.shapes.reduce((a, b) => (b.ratio > a.ratio ? b : a))
  return [
    target(
      'linearity',
      'parse-linear',
      'Parse a 1 MiB header / a 1 KiB one (worst shape)',
      worst.ratio,
      '<=',
      1000,
      `shape "${worst.id}": ${fmt(worst.largeUs.median)} µs / ${fmt(worst.smallUs.median)} µs`,
    ),
  ]
}

export function computeTargets(results: {
  micro?: MicroResults
  load?: LoadResults
  linearity?: LinearityResults
}): TargetResult[] {
  return [
    ...(results.micro ? microTargets(results.micro) : []),
    ...(results.linearity ? linearityTargets(results.linearity) : []),
    ...(results.load ? loadTargets(results.load) : []),
  ]
}

export function describeTarget(t: TargetResult): string {
  const verdict = t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED'
  return `${verdict.padEnd(6)} ${t.title}: ${t.measured === null ? 'n/a' : `${fmt(t.measured)}x`} (target ${t.comparator} ${t.limit}x)`
}
