/** base64url without padding (RFC 4648 §5), strict: anything else decodes to `null`. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const LOOKUP = new Int16Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i

export function encodeBase64Url(data: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < data.length; i += 3) {
    const n = ((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number)
    out +=
      ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!
  }
  const rest = data.length - i
  if (rest === 1) {
    const n = (data[i] as number) << 16
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!
  } else if (rest === 2) {
    const n = ((data[i] as number) << 16) | ((data[i + 1] as number) << 8)
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!
  }
  return out
}

export function decodeBase64Url(text: string): Uint8Array | null {
  const rest = text.length % 4
  if (rest === 1) return null
  const out = new Uint8Array(((text.length * 3) >> 2) | 0)
  let o = 0
  let i = 0
  const sextet = (at: number) => {
    const c = text.charCodeAt(at)
    return c < 128 ? (LOOKUP[c] as number) : -1
  }
  for (; i + 3 < text.length; i += 4) {
    const a = sextet(i)
    const b = sextet(i + 1)
    const c = sextet(i + 2)
    const d = sextet(i + 3)
    if ((a | b | c | d) < 0) return null
    const n = (a << 18) | (b << 12) | (c << 6) | d
    out[o++] = n >> 16
    out[o++] = (n >> 8) & 255
    out[o++] = n & 255
  }
  if (rest >= 2) {
    const a = sextet(i)
    const b = sextet(i + 1)
    const c = rest === 3 ? sextet(i + 2) : 0
    if ((a | b | c) < 0) return null
    // Non-canonical trailing bits would let two strings decode to one value; refuse them.
    if (rest === 2 ? (b & 15) !== 0 : (c & 3) !== 0) return null
    const n = (a << 18) | (b << 12) | (c << 6)
    out[o++] = n >> 16
    if (rest === 3) out[o++] = (n >> 8) & 255
  }
  return out.subarray(0, o)
}
