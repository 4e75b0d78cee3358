/** Types for size.mjs (a plain script, so `node scripts/size.mjs` runs it without a build). */
export interface SizeEntry {
  id: string
  label: string
  contents: string
  platform: 'browser' | 'node'
}
export interface SizeRow extends SizeEntry {
  /** The minified bundle. */
  code: string
  /** The files bundled, relative to packages/core. */
  inputs: string[]
  minified: number
  gzip: number
}
export const SIZE_MD: string
export const README: string
export const FLASK_MARKERS: readonly string[]
export const MIGRATE_MARKERS: readonly string[]
export const ENTRIES: readonly SizeEntry[]
export function measure(): Promise<SizeRow[]>
export function renderTable(rows: readonly SizeRow[]): string
export function renderMarkdown(rows: readonly SizeRow[]): string
export function updateReadme(readme: string, rows: readonly SizeRow[]): string
