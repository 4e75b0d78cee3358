/**
 * `pnpm bench [--quick] [--only micro,linearity,load] [--configs id,...] [--groups id,...] [--clock
 * wall|cpu] [--out file] [--write-md|--no-md]`
 *
 * Full run (under 15 minutes): writes bench/results/<YYYY-MM-DD>.json, then BENCHMARKS.md and the
 * chart. Quick run (under 2 minutes, same code paths, fewer rounds and shorter runs): writes
 * bench/results/quick-<YYYY-MM-DD>.json and leaves BENCHMARKS.md alone unless --write-md. Timing
 * never fails the run; a disagreement between libraries, a server that does not verify its cookie,
 * or a crash does (exit 1).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { runLinearity } from './linearity.ts'
import { LOAD_CONFIGS } from './load/configs.ts'
import { runLoad } from './load/run.ts'
import { createMicroCases } from './micro/cases.ts'
import { runMicro } from './micro/run.ts'
import { RESULTS_DIR, ROOT } from './paths.ts'
import { writeReport } from './report.ts'
import { type BenchResults, describeMachine, peerVersions } from './results.ts'
import { fmt } from './stats.ts'
import { computeTargets, describeTarget } from './targets.ts'

const SECTIONS = ['micro', 'linearity', 'load'] as const

const FULL = {
  micro: { rounds: 5, minCpuTimeMs: 300, minSamples: 12 },
  linearity: { rounds: 3, minCpuTimeMs: 150 },
  load: { rounds: 3, warmupSeconds: 2, durationSeconds: 8, connections: 10 },
}
const QUICK = {
  micro: { rounds: 2, minCpuTimeMs: 10, minSamples: 4 },
  linearity: { rounds: 1, minCpuTimeMs: 20 },
  load: { rounds: 1, warmupSeconds: 0.5, durationSeconds: 1.5, connections: 10 },
}

function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      configs: { type: 'string' },
      groups: { type: 'string' },
      out: { type: 'string' },
      'write-md': { type: 'boolean', default: false },
      'no-md': { type: 'boolean', default: false },
      clock: { type: 'string', default: 'wall' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true, // pnpm may pass a lone `--`
  })
  if (values.help) {
    console.log(
      'pnpm bench [--quick] [--only micro,linearity,load] [--configs express/bare,...] [--groups parse-40,...] [--clock wall|cpu] [--out file.json] [--write-md | --no-md]',
    )
    return
  }
  const sections = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS]
  for (const section of sections) {
    if (!(SECTIONS as readonly string[]).includes(section))
      throw new Error(`--only: unknown section ${section} (use ${SECTIONS.join(', ')})`)
  }
  const configs = values.configs?.split(',').map((s) => s.trim())
  for (const id of configs ?? []) {
    if (!LOAD_CONFIGS.some((c) => c.id === id))
      throw new Error(`--configs: unknown ${id} (use ${LOAD_CONFIGS.map((c) => c.id).join(', ')})`)
  }
  const groups = values.groups?.split(',').map((s) => s.trim())
  if (groups) {
    const known = (await createMicroCases()).groups.map((g) => g.id)
    for (const id of groups) {
      if (!known.includes(id)) throw new Error(`--groups: unknown ${id} (use ${known.join(', ')})`)
    }
  }
  const clock: 'wall' | 'cpu' = values.clock === 'cpu' ? 'cpu' : 'wall'
  if (values.clock !== clock) throw new Error(`--clock: use wall or cpu, not ${values.clock}`)
  const preset = values.quick ? QUICK : FULL
  const settings = {
    ...preset,
    micro: { ...preset.micro, clock, ...(groups ? { groups } : {}) },
    linearity: { ...preset.linearity, clock },
  }
  const complete = sections.length === SECTIONS.length && !configs && !groups
  const started = new Date()
  const t0 = performance.now()
  const log = (line: string) =>
    console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${line}`)
  const machine = describeMachine()
  log(
    `cookietin bench, ${values.quick ? 'quick' : 'full'} run: ${sections.join(', ')}; Node ${process.version}, ${machine.cpuModel} x${machine.cores}, load average ${machine.loadAverageStart.toFixed(2)}`,
  )
  if (machine.loadAverageStart > 1)
    log('warning: the machine is busy (load average above 1): timings will be noisy')

  const results: BenchResults = {
    schema: 1,
    date: started.toISOString(),
    quick: values.quick,
    sections,
    wallSeconds: 0,
    machine: { ...machine, loadAverageEnd: Number.NaN },
    node: process.version,
    versions: peerVersions(),
    targets: [],
  }
  if (sections.includes('micro')) results.micro = await runMicro(settings.micro, log)
  if (sections.includes('linearity'))
    results.linearity = await runLinearity(settings.linearity, log)
  if (sections.includes('load'))
    results.load = await runLoad({ ...settings.load, ...(configs ? { only: configs } : {}) }, log)
  results.targets = computeTargets(results)
  results.machine.loadAverageEnd = loadavg()[0] ?? Number.NaN
  results.wallSeconds = Math.round((performance.now() - t0) / 1000)

  const prefix = values.quick ? 'quick-' : complete ? '' : 'partial-'
  const out = values.out ?? join(RESULTS_DIR, `${prefix}${localDate(started)}.json`)
  mkdirSync(join(out, '..'), { recursive: true })
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  printSummary(results)
  log(`results: ${relative(ROOT, out)}`)

  const writeMd = values['write-md'] || (!values['no-md'] && !values.quick && complete)
  if (writeMd) {
    const written = writeReport(results, out)
    log(`report: ${written.map((file) => relative(ROOT, file)).join(', ')}`)
  } else {
    log(
      `BENCHMARKS.md left as it is (${values.quick ? 'quick run' : 'partial run'}; --write-md to write it from this run)`,
    )
  }

  const unverified = results.load?.configs.filter((c) => !c.verified) ?? []
  if (unverified.length > 0) {
    throw new Error(
      `load: these servers did not verify every request's session: ${unverified.map((c) => c.id).join(', ')}`,
    )
  }
}

function printSummary(results: BenchResults): void {
  if (results.micro) {
    console.log('\nmicro (µs per call, median of rounds)')
    for (const group of results.micro.groups) {
      const cases = results.micro.cases.filter((c) => c.group === group.id)
      const line = cases.map((c) => `${c.lib} ${fmt(c.us.median)}`).join(' | ')
      console.log(`  ${group.id.padEnd(14)} ${group.pending ? `pending: ${group.pending}` : line}`)
    }
  }
  if (results.linearity) {
    console.log('\nparse linearity (1 MiB / 1 KiB)')
    console.log(
      `  ${results.linearity.shapes.map((s) => `${s.id} ${fmt(s.ratio)}x (cookie@2 ${fmt(s.cookieRatio)}x)`).join(' | ')}`,
    )
  }
  if (results.load) {
    console.log('\nload (median of rounds)')
    console.log(
      `  ${'server'.padEnd(26)} ${'req/s'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU µs/req'.padStart(11)} ${'added µs'.padStart(9)}  verified`,
    )
    for (const c of results.load.configs) {
      console.log(
        `  ${c.id.padEnd(26)} ${fmt(c.rps.median).padStart(7)} ${fmt(c.p99Ms.median).padStart(7)} ${fmt(c.cpuUsPerRequest.median).padStart(11)} ${(c.addedCpuUs ? `+${fmt(c.addedCpuUs.median)}` : '').padStart(9)}  ${c.verified ? 'yes' : 'NO'}`,
      )
    }
  }
  if (results.targets.length > 0) {
    const met = results.targets.filter((t) => t.met === true).length
    console.log(
      `\ntargets: ${met} met of ${results.targets.length}${results.quick ? ' (quick run: indicative only)' : ''}`,
    )
    for (const t of results.targets) console.log(`  ${describeTarget(t)}`)
  }
  console.log(
    `\n${results.wallSeconds} s; load average ${results.machine.loadAverageStart.toFixed(2)} at start, ${results.machine.loadAverageEnd.toFixed(2)} at end`,
  )
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exitCode = 1
})
