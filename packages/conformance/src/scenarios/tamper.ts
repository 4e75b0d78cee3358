const ALNUM = /[A-Za-z0-9]/

/**
 * Changes one base64url character near the middle of a token (never a separator, never the last
 * one).
 */
export function tamper(token: string, at = Math.floor(token.length / 2)): string {
  for (let index = Math.max(0, at); index < token.length - 1; index++) {
    const char = token[index] as string
    if (ALNUM.test(char))
      return token.slice(0, index) + (char === 'A' ? 'B' : 'A') + token.slice(index + 1)
  }
  return `${token}x`
}
