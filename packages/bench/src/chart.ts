/**
 * The one chart of BENCHMARKS.md, written by hand as SVG (no dependency): added server CPU per
 * request over the bare framework, by library and framework, median bar with a min-max whisker.
 */
import type { LoadConfigResult, LoadResults } from './load/run.ts'
import { fmt } from './stats.ts'
import { FLOOR_LIMIT } from './targets.ts'

const COLORS: Record<string, string> = {
  floor: '#2e7d32',
  cookietin: '#1565c0',
  incumbent: '#ef6c00',
}
const FRAMEWORK_TITLES: Record<string, string> = {
  node: 'node:http (the floor)',
  express: 'Express',
  koa: 'Koa',
  hono: 'Hono',
  fastify: 'Fastify',
  fetch: 'fetch handler (srvx)',
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function renderChart(load: LoadResults, caption: string): string {
  const width = 960
  const labelWidth = 360
  const right = 90
  const rowHeight = 22
  const headerHeight = 26
  const top = 64
  const plotWidth = width - labelWidth - right
  const rows: Array<{ kind: 'header'; text: string } | { kind: 'bar'; config: LoadConfigResult }> =
    []
  for (const framework of ['node', 'express', 'koa', 'hono', 'fastify', 'fetch']) {
    const configs = load.configs.filter((c) => c.framework === framework && c.addedCpuUs)
    if (configs.length === 0) continue
    rows.push({ kind: 'header', text: FRAMEWORK_TITLES[framework] ?? framework })
    for (const config of configs) rows.push({ kind: 'bar', config })
  }
  const values = load.configs
    .flatMap((c) => (c.addedCpuUs ? [c.addedCpuUs.max, c.addedCpuUs.median] : []))
    .filter(Number.isFinite)
  const maxValue = niceCeiling(Math.max(10, ...values))
  const x = (value: number) => labelWidth + (Math.max(0, value) / maxValue) * plotWidth
  let y = top
  const parts: string[] = []
  for (const row of rows) {
    if (row.kind === 'header') {
      y += 6
      parts.push(`<text x="8" y="${y + 16}" class="group">${escape(row.text)}</text>`)
      y += headerHeight
      continue
    }
    const { config } = row
    const added = config.addedCpuUs!
    const color = COLORS[config.role] ?? '#757575'
    const barEnd = x(added.median)
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 15}" class="label" text-anchor="end">${escape(config.label)}</text>`,
    )
    parts.push(
      `<rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, barEnd - labelWidth).toFixed(1)}" height="${rowHeight - 6}" fill="${color}"><title>${escape(`${config.id}: +${fmt(added.median)} µs (min ${fmt(added.min)}, max ${fmt(added.max)})`)}</title></rect>`,
    )
    if (added.rounds.length > 1) {
      const midY = y + rowHeight / 2
      parts.push(
        `<line x1="${x(added.min).toFixed(1)}" x2="${x(added.max).toFixed(1)}" y1="${midY}" y2="${midY}" class="whisker"/>`,
      )
    }
    // Target (a) is per framework and kind, so it is marked on each cookietin bar, not as one line.
    const floor = load.configs.find((c) => c.id === `${config.framework}/floor-${config.kind}`)
      ?.addedCpuUs?.median
    if (config.role === 'cookietin' && floor !== undefined && floor > 0) {
      const tx = x(FLOOR_LIMIT * floor).toFixed(1)
      parts.push(
        `<line x1="${tx}" x2="${tx}" y1="${y}" y2="${y + rowHeight}" class="target"><title>${escape(`target: ${FLOOR_LIMIT} × ${config.framework} floor ${config.kind} = ${fmt(FLOOR_LIMIT * floor)} µs`)}</title></line>`,
      )
    }
    const labelX = Math.max(barEnd, x(added.max)) + 6
    parts.push(
      `<text x="${labelX.toFixed(1)}" y="${y + 15}" class="value">+${escape(fmt(added.median))}</text>`,
    )
    y += rowHeight
  }
  const height = y + 72
  const ticks: string[] = []
  for (let i = 0; i <= 5; i++) {
    const value = (maxValue / 5) * i
    const tx = x(value)
    ticks.push(
      `<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${top - 4}" y2="${y}" class="grid"/>`,
    )
    ticks.push(
      `<text x="${tx.toFixed(1)}" y="${y + 16}" class="tick" text-anchor="middle">${i === 0 ? '0' : fmt(value)}</text>`,
    )
  }
  const targetLine = `<text x="${labelWidth}" y="${top - 8}" class="tick">dashed mark on a cookietin bar: its target, ${FLOOR_LIMIT} × that framework's floor of the same kind</text>`
  const legend = Object.entries({
    'floor (hand-written, per framework)': COLORS['floor'],
    cookietin: COLORS['cookietin'],
    incumbent: COLORS['incumbent'],
  })
    .map(
      ([name, color], i) =>
        `<rect x="${labelWidth + i * 220}" y="${height - 20}" width="12" height="12" fill="${color}"/><text x="${labelWidth + i * 220 + 18}" y="${height - 10}" class="tick">${escape(name)}</text>`,
    )
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">
<style>
  .title { font-size: 16px; font-weight: 600; fill: #212121 }
  .caption { font-size: 12px; fill: #616161 }
  .group { font-size: 13px; font-weight: 600; fill: #212121 }
  .label { font-size: 12px; fill: #424242 }
  .value { font-size: 12px; fill: #212121 }
  .tick { font-size: 11px; fill: #616161 }
  .grid { stroke: #e0e0e0; stroke-width: 1 }
  .whisker { stroke: #212121; stroke-width: 1.5 }
  .target { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 5 4 }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="8" y="22" class="title">Added server CPU per request over the bare framework (µs, lower is better)</text>
<text x="8" y="40" class="caption">${escape(caption)}</text>
${ticks.join('\n')}
${targetLine}
${parts.join('\n')}
<text x="${labelWidth + plotWidth / 2}" y="${y + 32}" class="tick" text-anchor="middle">µs of server CPU per request (read + write a session cookie), median of rounds; whisker: min–max</text>
${legend}
</svg>
`
}

function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}
