import { describe, expect, test, vi } from 'vitest'
import { backend as nodeBackend } from '../crypto/backend.node.ts'
import { backend as webBackend } from '../crypto/backend.web.ts'
import { createKeyring } from '../crypto/keyring.ts'
import { UnstorableValueError } from '../errors.ts'
import { sealValue } from '../crypto/seal.ts'
import { signValue } from '../crypto/sign.ts'
import { MAX_SESSION_DEPTH, nestsDeeperThan } from '../formats/jsonDepth.ts'
import { finish } from '../../test/scope.ts'
import { createSessionHandler } from './handler.ts'

const SECRET = 'depth test secret: 32 bytes or more, many distinct'
const NOW = 1_800_000_000

/** A native session payload whose data holds arrays nested `depth` deep under the key `deep`. */
const payloadNesting = (depth: number) =>
  `{"i":"0123456789abcdef","d":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`

describe('nestsDeeperThan', () => {
  test('counts objects and arrays, not brackets inside strings', () => {
    expect(nestsDeeperThan('{"a":[1,{"b":[]}]}', 4)).toBe(false)
    expect(nestsDeeperThan('{"a":[1,{"b":[]}]}', 3)).toBe(true)
    const quoted = JSON.stringify({ s: '[[[[{{{{\\"[[[[' })
    expect(nestsDeeperThan(quoted, 1)).toBe(false)
    expect(nestsDeeperThan(payloadNesting(100_000), MAX_SESSION_DEPTH)).toBe(true)
  })
})

describe.each([
  ['sealed', 'node', sealValue, nodeBackend],
  ['signed', 'node', signValue, nodeBackend],
  ['sealed', 'web', sealValue, webBackend],
  ['signed', 'web', signValue, webBackend],
] as const)(
  'a %s session nested deep, made by a key holder (%s back-end)',
  (format, _backendName, make, backend) => {
    const keyring = createKeyring(SECRET, { backend })
    const onInvalid = vi.fn()
    const handler = createSessionHandler({
      secrets: [SECRET],
      format,
      backend,
      onInvalid,
      now: () => NOW * 1000,
    })
    const token = (depth: number) =>
      make(keyring, 'session:session', payloadNesting(depth), { now: NOW, maxAge: 3600 })

    test('10,000 deep reads as a new session, and the request finishes without throwing', async () => {
      const scope = await handler.begin(`session=${await token(10_000)}`, { secure: false })
      expect(scope.session.isNew).toBe(true)
      expect(scope.session.get('deep')).toBeUndefined()
      scope.session.set('user', 'alice')
      const { setCookie } = await finish(scope)
      expect(setCookie).toHaveLength(1)
      expect(onInvalid).toHaveBeenCalledWith({
        reason: 'malformed',
        cookieName: 'session',
        kind: 'session',
      })
    })

    test('up to the limit reads and commits; one level more is never written', async () => {
      // The payload object and the data object are two of the levels.
      const scope = await handler.begin(`session=${await token(MAX_SESSION_DEPTH - 2)}`, {
        secure: false,
      })
      expect(scope.session.isNew).toBe(false)
      expect(Array.isArray(scope.session.get('deep'))).toBe(true)
      scope.session.set('user', 'alice')
      expect((await finish(scope)).setCookie).toHaveLength(1)

      const tooDeep = (): unknown =>
        JSON.parse('['.repeat(MAX_SESSION_DEPTH) + ']'.repeat(MAX_SESSION_DEPTH))
      const deeper = await handler.begin('', { secure: false })
      // Refused where it is written...
      expect(() => deeper.session.set('deep', tooDeep())).toThrow(UnstorableValueError)
      // ...and, when made deeper in place after `set`, at the commit: never written either way.
      const holder: unknown[] = []
      deeper.session.set('deep', holder)
      holder.push(tooDeep())
      await expect(finish(deeper)).rejects.toThrow(UnstorableValueError)
    })
  },
)
