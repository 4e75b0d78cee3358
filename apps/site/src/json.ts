/**
 * JSON for answers and pages that show session data: a Flask session holds Python ints past 2^53
 * (64-bit ids), which read as bigints, and plain `JSON.stringify` throws on them.
 */

// Stands in for a bigint during `JSON.stringify`; random per process, so no string a client
// stored can look like one.
const BIGINT_MARK = `\u0000bigint-${crypto.randomUUID()}:`
const BIGINT_STRING = new RegExp(
  `"${JSON.stringify(BIGINT_MARK).slice(1, -1).replaceAll('\\', '\\\\')}(-?\\d+)"`,
  'g',
)

/** `JSON.stringify` (with its `space`) that writes a `bigint` as the exact JSON number it is. */
export function stringifyJson(value: unknown, space?: number): string {
  let sawBigint = false
  const json = JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item !== 'bigint') return item
      sawBigint = true
      return `${BIGINT_MARK}${item.toString()}`
    },
    space,
  )
  return sawBigint ? json.replace(BIGINT_STRING, '$1') : json
}
