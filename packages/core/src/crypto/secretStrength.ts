/**
 * The entropy check secrets get, apart from the keyring so that the Flask format (which only warns)
 * can run it without loading a crypto back-end.
 */

/**
 * Random secrets use many byte values: 32 random bytes have about 28 distinct ones, 32 hex digits
 * about 14, even a decimal string 10. Fewer than this many means a repeated character or pattern,
 * a buffer left zeroed, or a placeholder: not a secret at all.
 */
const MIN_DISTINCT_BYTES = 8

export function distinctBytes(bytes: Uint8Array): number {
  const seen = new Set<number>()
  for (const byte of bytes) seen.add(byte)
  return seen.size
}

/**
 * A cheap guard against secrets with obviously no entropy (`'x'.repeat(32)`, 32 zero bytes,
 * `'abab...'`), never an entropy estimate: a secret that passes is not thereby strong.
 */
export function hasObviouslyNoEntropy(bytes: Uint8Array): boolean {
  return distinctBytes(bytes) < MIN_DISTINCT_BYTES
}
