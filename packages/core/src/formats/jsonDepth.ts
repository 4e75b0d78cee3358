/**
 * How deeply a session's JSON may nest, counting the outermost object as 1. Deeper JSON parses,
 * but serializing or walking it recursively (change detection, a schema, the app's own code) can
 * overflow the stack: a cookie must never be able to do that, so deeper payloads read as malformed
 * and are never written. The same limit as the Flask format's.
 */
export const MAX_SESSION_DEPTH = 512

const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * Whether the JSON text `json` nests objects and arrays deeper than `limit`. Iterative, so it
 * answers for any depth; text with fewer opening brackets than the limit is not scanned at all
 * (nearly every session), which keeps the common path to a couple of `indexOf` calls.
 */
export function nestsDeeperThan(json: string, limit: number): boolean {
  let openings = 0
  for (let at = json.indexOf('{'); at !== -1 && openings <= limit; at = json.indexOf('{', at + 1))
    openings++
  for (let at = json.indexOf('['); at !== -1 && openings <= limit; at = json.indexOf('[', at + 1))
    openings++
  if (openings <= limit) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i)
    if (inString) {
      if (code === BACKSLASH) i++
      else if (code === QUOTE) inString = false
    } else if (code === QUOTE) inString = true
    else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) return true
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--
  }
  return false
}
