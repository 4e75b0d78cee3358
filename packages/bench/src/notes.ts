/**
 * What BENCHMARKS.md says under a missed target: why it is missed (from profiling) and what would
 * close it. Kept beside the code that measures it; shown only for targets the run actually missed.
 */
import type { TargetResult } from './results.ts'

const NOTES: Array<{ match: (id: string) => boolean; text: string }> = []

export function missNotes(missed: readonly TargetResult[]): string[] {
  const out: string[] = []
  for (const note of NOTES) {
    const which = missed.filter((t) => note.match(t.id))
    if (which.length > 0) out.push(`${which.map((t) => `*${t.title}*`).join('; ')}: ${note.text}`)
  }
  return out
}
