import type { BombFigures } from './bombs.ts'
import type { HeaderFigures } from './headers.ts'
import type { SoakFigures } from './soak/run.ts'
import type { TamperFigures } from './tamper.ts'

/** What must never happen, per campaign: an empty list is a pass. */
export function verdict(figures: unknown): string[] {
  const problems: string[] = []
  for (const item of Array.isArray(figures) ? figures : [figures]) {
    const f = item as HeaderFigures | TamperFigures | BombFigures | SoakFigures
    if (f.campaign === 'headers') {
      if (f.throws > 0) problems.push(`${f.throws} throws`)
      if (f.disagreements > 0)
        problems.push(`${f.disagreements} parseCookie/parseCookies disagreements`)
      if (f.prototypeChanged) problems.push('Object.prototype changed')
    } else if (f.campaign === 'tamper') {
      for (const r of f.results) {
        if (r.accepted > 0) problems.push(`${r.format}/${r.backend}: ${r.accepted} accepted`)
      }
    } else if (f.campaign === 'bombs') {
      for (const r of f.results) {
        if (r.wrong > 0) problems.push(`${r.bomb} (${r.backend}): ${r.wrong} unsafe outcomes`)
      }
    } else {
      if (f.serverErrors > 0) problems.push(`${f.app}: ${f.serverErrors} responses of 500 or more`)
      if (f.mixUps > 0) problems.push(`${f.app}: ${f.mixUps} session mix-ups`)
      if (f.failures.length > 0) problems.push(`${f.app}: ${f.failures.length} failures`)
    }
  }
  return problems
}
