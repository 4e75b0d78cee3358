import { describe, expect, test } from 'vitest'
import { backend as nodeBackend } from '../crypto/backend.node.ts'
import { backend as webBackend } from '../crypto/backend.web.ts'
import { createFlaskCodec, flask } from '../flask.ts'
import { finish } from '../../test/scope.ts'
import { createSessionHandler } from './handler.ts'

const SECRET = 'chunk test secret: 32 bytes or more, many distinct'
const NOW = 1_800_000_000

const names = (lines: string[]) => lines.map((line) => line.slice(0, line.indexOf('=')))

describe.each([nodeBackend, webBackend])('chunk names on the $name back-end', (backend) => {
  const handler = createSessionHandler({ secrets: [SECRET], backend, now: () => NOW * 1000 })

  test('only name.0 to name.<maxChunks - 1> count as chunks: planted cookies cannot flood the response', async () => {
    // What a sibling subdomain could plant: a thousand look-alike chunk names, and other spellings.
    const planted = Array.from({ length: 1000 }, (_, i) => `session.${i}=x`)
    planted.push('session.00=x', 'session.007=x', 'session.-1=x', 'session.1e1=x')
    const scope = await handler.begin(planted.join('; '), { secure: false })
    expect(scope.session.isNew).toBe(true)
    scope.session.set('user', 'alice')
    const { setCookie } = await finish(scope)
    // One session cookie, and deletions for exactly the chunk names the default limit (2) reads.
    expect(names(setCookie)).toEqual(['session', 'session.0', 'session.1'])
    expect(setCookie.slice(1).every((line) => line.includes('Max-Age=0'))).toBe(true)
  })

  test('a higher maxChunks reads and deletes that many chunk names, and no more', async () => {
    const wide = createSessionHandler({
      secrets: [SECRET],
      backend,
      maxChunks: 4,
      maxSize: 12_288,
      now: () => NOW * 1000,
    })
    const planted = Array.from({ length: 1000 }, (_, i) => `session.${i}=x`).join('; ')
    const scope = await wide.begin(planted, { secure: false })
    scope.session.set('user', 'alice')
    expect(names((await finish(scope)).setCookie)).toEqual([
      'session',
      'session.0',
      'session.1',
      'session.2',
      'session.3',
    ])
  })

  test('leading zeros do not make a chunk: session.00 is not read as session.0', async () => {
    const writer = await handler.begin('', { secure: false })
    writer.session.set('user', 'alice')
    const [line] = (await finish(writer)).setCookie
    const token = (line as string).slice('session='.length, (line as string).indexOf(';'))
    const chunked = await handler.begin(`session.0=${token}`, { secure: false })
    expect(chunked.session.get('user')).toBe('alice')
    const respelled = await handler.begin(`session.00=${token}`, { secure: false })
    expect(respelled.session.isNew).toBe(true)
  })
})

describe('the Flask format reads only the cookie Flask reads', () => {
  test('a valid Flask session in session.0 is not read, nor deleted', async () => {
    const cookie = await createFlaskCodec({ secrets: [SECRET] }).dumps({ user: 'alice' }, NOW)
    const handler = createSessionHandler({
      secrets: [SECRET],
      format: flask(),
      now: () => NOW * 1000,
    })
    const scope = await handler.begin(`session.0=${cookie}`, { secure: false })
    expect(scope.session.isNew).toBe(true)
    expect(scope.session.get('user')).toBeUndefined()
    scope.session.set('user', 'bob')
    expect(names((await finish(scope)).setCookie)).toEqual(['session'])
    const read = await handler.begin(`session=${cookie}`, { secure: false })
    expect(read.session.get('user')).toBe('alice')
  })
})
