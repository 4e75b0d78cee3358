/**
 * The floor: bare `node:http`, and the least work an authenticated session cookie can cost on it,
 * written by hand with synchronous `node:crypto`: find the cookie, check it, read it, write a new one.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomFillSync, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

const ATTRIBUTES = `; Max-Age=${LOAD_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax`
const key = (info: string) => createSecretKey(new Uint8Array(hkdfSync('sha256', LOAD_SECRET, '', info, 32)))
const hmacKey = key('floor hmac')
const aesKey = key('floor aes')

/** The value of the cookie `session`, or undefined: the least parsing that finds one cookie. */
function sessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie
  if (!header) return undefined
  const at = header.startsWith('session=') ? 0 : header.indexOf('; session=') + 2
  if (at === 1) return undefined
  const start = at + 8
  const end = header.indexOf(';', start)
  return header.slice(start, end === -1 ? undefined : end)
}

function respond(res: ServerResponse, n: number, setCookie?: string): void {
  const headers: Record<string, string> = { 'content-type': 'text/plain' }
  if (setCookie) headers['set-cookie'] = setCookie
  res.writeHead(200, headers)
  res.end(String(n))
}

function readSigned(value: string | undefined): { n: number } | undefined {
  if (!value) return undefined
  const dot = value.lastIndexOf('.')
  if (dot < 0) return undefined
  const payload = value.slice(0, dot)
  const mac = Buffer.from(value.slice(dot + 1), 'base64url')
  const expected = createHmac('sha256', hmacKey).update(payload).digest()
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as { n: number }
}

function writeSigned(data: { n: number }): string {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url')
  return `session=${payload}.${createHmac('sha256', hmacKey).update(payload).digest('base64url')}${ATTRIBUTES}`
}

function readSealed(value: string | undefined): { n: number } | undefined {
  if (!value) return undefined
  const blob = Buffer.from(value, 'base64url')
  if (blob.length < 28) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey, blob.subarray(0, 12))
    decipher.setAuthTag(blob.subarray(blob.length - 16))
    const plain = Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()])
    return JSON.parse(plain.toString()) as { n: number }
  } catch {
    return undefined
  }
}

function writeSealed(data: { n: number }): string {
  const nonce = randomFillSync(Buffer.alloc(12))
  const cipher = createCipheriv('aes-256-gcm', aesKey, nonce)
  const sealed = Buffer.concat([nonce, cipher.update(JSON.stringify(data)), cipher.final(), cipher.getAuthTag()])
  return `session=${sealed.toString('base64url')}${ATTRIBUTES}`
}

export function createListener(library: string): RequestListener {
  switch (library) {
    case 'bare':
      return (_req, res) => {
        count(false)
        respond(res, 1)
      }
    case 'floor-signed':
      return (req, res) => {
        const session = readSigned(sessionCookie(req))
        const n = (session?.n ?? 0) + 1
        count(session !== undefined)
        respond(res, n, writeSigned({ n }))
      }
    case 'floor-sealed':
      return (req, res) => {
        const session = readSealed(sessionCookie(req))
        const n = (session?.n ?? 0) + 1
        count(session !== undefined)
        respond(res, n, writeSealed({ n }))
      }
    default:
      throw new Error(`node: unknown library ${library}`)
  }
}
