import { ConfigError } from './errors.ts'

/**
 * Suggestions for misspelled option names: `maxage` -> `maxAge`, `samesite` -> `sameSite`. A name
 * differing only in case, or by at most two edits (one for short names), is suggested.
 */

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] as number
}

/** The closest of `candidates` to `name`, or `undefined` when none is close enough to be meant. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  const sameCase = candidates.find((candidate) => candidate.toLowerCase() === lower)
  if (sameCase !== undefined) return sameCase
  const allowed = name.length <= 4 ? 1 : 2
  let best: string | undefined
  let bestDistance = allowed + 1
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/**
 * Throws `ConfigError` `INVALID_OPTION` for a name in `options` that is not in `known`, suggesting
 * the closest: a typo (`samesite`, `maxage`) would otherwise be ignored, silently.
 */
export function checkOptionNames(
  call: string,
  options: object,
  known: readonly string[],
  advice: Readonly<Record<string, string>> = {},
): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('INVALID_OPTION', `${call}: options must be an object`)
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    const advised = Object.keys(advice).find((name) => name.toLowerCase() === key.toLowerCase())
    const suggestion = advised === undefined ? closestName(key, known) : undefined
    const hint =
      advised !== undefined
        ? `: ${advice[advised] as string}`
        : suggestion === undefined
          ? ''
          : `: did you mean \`${suggestion}\`?`
    throw new ConfigError(
      'INVALID_OPTION',
      `${call}: unknown option \`${key}\`${hint} (known: ${known.join(', ')})`,
    )
  }
}
