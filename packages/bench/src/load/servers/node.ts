/**
 * The floor servers: bare `node:http`, and the hand-written signed and sealed session cookies of
 * floor.ts.
 */
import type { RequestListener, ServerResponse } from 'node:http'
import { createFloor } from '../../floor.ts'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

function respond(res: ServerResponse, n: number, setCookie?: string): void {
  const headers: Record<string, string> = { 'content-type': 'text/plain' }
  if (setCookie) headers['set-cookie'] = setCookie
  res.writeHead(200, headers)
  res.end(String(n))
}

export function createListener(library: string): RequestListener {
  if (library === 'bare') {
    return (_req, res) => {
      count(false)
      respond(res, 1)
    }
  }
  if (library !== 'floor-signed' && library !== 'floor-sealed')
    throw new Error(`node: unknown library ${library}`)
  const floor = createFloor(
    library === 'floor-signed' ? 'signed' : 'sealed',
    LOAD_SECRET,
    LOAD_MAX_AGE,
  )
  return (req, res) => {
    const session = floor.read(req.headers.cookie)
    const n = (session?.n ?? 0) + 1
    count(session !== undefined)
    respond(res, n, floor.write({ n }))
  }
}
