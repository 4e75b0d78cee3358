/**
 * Proves the benchmark still measures the right thing, never how fast: every micro case's output is
 * checked against its reference (no timing here, and timing never fails a test), and the report
 * renders from a results object.
 */
import { describe, expect, it } from 'vitest'
import { renderChart } from '../src/chart.ts'
import { LOAD_CONFIGS } from '../src/load/configs.ts'
import type { LoadResults } from '../src/load/run.ts'
import { SHAPES } from '../src/linearity.ts'
import { checkAgreement, createMicroCases } from '../src/micro/cases.ts'
import { renderMarkdown } from '../src/report.ts'
import type { BenchResults } from '../src/results.ts'
import { spread } from '../src/stats.ts'
import { computeTargets } from '../src/targets.ts'

describe('micro benchmark agreement', async () => {
  const { groups, cases } = await createMicroCases()

  it('covers every group of issue 7 with cookietin and its peers', () => {
    expect(groups.map((g) => g.id)).toEqual([
      'parse-5',
      'parse-40',
      'parse-3k',
      'serialize',
      'sign-verify',
      'verify-3keys',
      'seal-unseal',
      'signed-cookie',
      'session',
      'migrate',
      'flask',
    ])
    const libs = new Set(cases.map((c) => c.lib))
    for (const lib of [
      'cookie@2',
      'hono',
      'cookie-signature',
      'keygrip',
      'iron-webcrypto',
      'floor:node:crypto',
      'floor:crypto.subtle',
      'cookietin:node',
      'cookietin:web',
    ]) {
      expect(libs).toContain(lib)
    }
  })

  for (const c of cases) {
    it(`${c.id} agrees with its reference`, async () => {
      await checkAgreement([c])
    })
  }
})

describe('parse linearity inputs', () => {
  for (const shape of SHAPES) {
    it(`${shape.id} builds headers of exactly 1 KiB and 1 MiB`, () => {
      expect(shape.build(1024)).toHaveLength(1024)
      expect(shape.build(1024 * 1024)).toHaveLength(1024 * 1024)
    })
  }
})

describe('report', () => {
  it('renders BENCHMARKS.md and the chart from a results object, with targets judged', () => {
    const figure = (value: number) => spread([value * 0.9, value, value * 1.1])
    const load: LoadResults = {
      settings: { rounds: 3, warmupSeconds: 1, durationSeconds: 1, connections: 10 },
      clockTicksPerSecond: 100,
      configs: LOAD_CONFIGS.map((c, i) => ({
        id: c.id,
        framework: c.framework,
        library: c.library,
        kind: c.kind,
        role: c.role,
        label: c.label,
        rps: figure(1000),
        p99Ms: figure(10),
        cpuUsPerRequest: figure(100 + i),
        addedCpuUs:
          c.kind === 'bare'
            ? null
            : figure(
                c.role === 'incumbent'
                  ? c.library === 'koa-session'
                    ? 20
                    : 100 + i
                  : c.role === 'floor'
                    ? 12
                    : 15,
              ),
        verified: true,
        rounds: [],
        cookieNames: c.kind === 'bare' ? [] : ['session'],
      })),
    }
    const results: BenchResults = {
      schema: 1,
      date: '2026-01-01T00:00:00.000Z',
      quick: true,
      sections: ['load'],
      wallSeconds: 1,
      machine: {
        cpuModel: 'test cpu',
        cores: 2,
        memoryGiB: 1,
        kernel: 'test',
        loadAverageStart: 0,
        loadAverageEnd: 0,
      },
      node: process.version,
      versions: {},
      load,
      targets: [],
    }
    results.targets = computeTargets(results)
    expect(
      results.targets.filter((t) => t.id.endsWith('-floor')).every((t) => t.met === true),
    ).toBe(true)
    // Every framework's floor, signed and sealed, is a server of its own and has its target.
    for (const framework of ['express', 'koa', 'hono', 'fastify', 'fetch']) {
      for (const kind of ['signed', 'sealed']) {
        expect(LOAD_CONFIGS.some((c) => c.id === `${framework}/floor-${kind}`)).toBe(true)
        const t = results.targets.find((t) => t.id === `load-${framework}-${kind}-floor`)
        expect(t?.measured).toBeCloseTo(15 / 12)
        expect(t?.detail).toContain(`${framework}/floor-${kind}`)
      }
    }
    // The best peer is the one with the least added CPU: cookie-session (100 + i) on Express.
    const express = results.targets.find((t) => t.id === 'load-express-best-peer')
    expect(express?.title).toContain('cookie-session')
    expect(express?.met).toBe(true)
    const koa = results.targets.find((t) => t.id === 'load-koa-best-peer')
    expect(koa?.measured).toBeCloseTo(20 / 15)
    expect(koa?.met).toBe(false)
    const markdown = renderMarkdown(results, 'bench/results/x.json', 'bench/results/added-cpu.svg')
    expect(markdown).toContain('## Targets (issue 7)')
    expect(markdown).toContain('| session layer | kind | added CPU µs/req |')
    expect(markdown).toContain('| cookietin | signed | +15.0 | 1.25x |  | <= 1.5x: **met** |')
    expect(markdown).toContain(
      '| koa-session | signed | +20.0 | 1.67x | 1.33x | best peer, >= 2x: **missed** |',
    )
    expect(markdown).toContain('![Added server CPU per request')
    const svg = renderChart(load, 'test')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('cookie-session')
  })
})
