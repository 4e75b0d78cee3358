/**
 * The floor: the least work an authenticated session cookie can cost on Node, written by hand with
 * synchronous `node:crypto`: find the one cookie, check it, read it, write a new one. The one copy
 * of it: the load benchmark's floor servers (node:http, and a middleware in each of Express, Koa
 * and Hono) and the micro benchmark's session group all call it, so every floor measures the same
 * crypto.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto'

export interface FloorSession {
  n: number
}

export interface Floor {
  /** The session in a `Cookie` header, or undefined when absent or not authentic. */
  read(cookieHeader: string | undefined): FloorSession | undefined
  /** A `Set-Cookie` value carrying `session`. */
  write(session: FloorSession): string
}

export function createFloor(kind: 'signed' | 'sealed', secret: string, maxAge: number): Floor {
  const attributes = `; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax`
  const key = (info: string) =>
    createSecretKey(new Uint8Array(hkdfSync('sha256', secret, '', info, 32)))
  if (kind === 'signed') {
    const hmacKey = key('floor hmac')
    return {
      read(header) {
        const value = sessionCookie(header)
        if (!value) return undefined
        const dot = value.lastIndexOf('.')
        if (dot < 0) return undefined
        const payload = value.slice(0, dot)
        const mac = Buffer.from(value.slice(dot + 1), 'base64url')
        const expected = createHmac('sha256', hmacKey).update(payload).digest()
        if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined
        return JSON.parse(Buffer.from(payload, 'base64url').toString()) as FloorSession
      },
      write(session) {
        const payload = Buffer.from(JSON.stringify(session)).toString('base64url')
        return `session=${payload}.${createHmac('sha256', hmacKey).update(payload).digest('base64url')}${attributes}`
      },
    }
  }
  const aesKey = key('floor aes')
  return {
    read(header) {
      const value = sessionCookie(header)
      if (!value) return undefined
      const blob = Buffer.from(value, 'base64url')
      if (blob.length < 28) return undefined
      try {
        const decipher = createDecipheriv('aes-256-gcm', aesKey, blob.subarray(0, 12))
        decipher.setAuthTag(blob.subarray(blob.length - 16))
        const plain = Buffer.concat([
          decipher.update(blob.subarray(12, blob.length - 16)),
          decipher.final(),
        ])
        return JSON.parse(plain.toString()) as FloorSession
      } catch {
        return undefined
      }
    },
    write(session) {
      const nonce = randomFillSync(Buffer.alloc(12))
      const cipher = createCipheriv('aes-256-gcm', aesKey, nonce)
      const sealed = Buffer.concat([
        nonce,
        cipher.update(JSON.stringify(session)),
        cipher.final(),
        cipher.getAuthTag(),
      ])
      return `session=${sealed.toString('base64url')}${attributes}`
    },
  }
}

/** The value of the cookie `session`: the least parsing that finds one cookie. */
function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined
  const at = header.startsWith('session=') ? 0 : header.indexOf('; session=') + 2
  if (at === 1) return undefined
  const start = at + 8
  const end = header.indexOf(';', start)
  return header.slice(start, end === -1 ? undefined : end)
}
