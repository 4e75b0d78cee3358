import { describe, expect, it } from 'vitest'
import { serializeCookie } from '../cookie/serialize.ts'
import { CookieError } from '../errors.ts'
import { backend as nodeBackend } from './backend.node.ts'
import { backend as webBackend } from './backend.web.ts'
import { createKeyring } from './keyring.ts'
import { sealValue, unsealValue } from './seal.ts'
import { signValue, verifyValue } from './sign.ts'

const SECRET = 'well-formed test secret: 32 bytes or more, distinct'

describe.each([nodeBackend, webBackend])(
  'values without a UTF-8 form ($name back-end)',
  (backend) => {
    const ring = createKeyring(SECRET, { backend })

    it.each([
      ['a lone high surrogate', 'a\uD800b'],
      ['a lone low surrogate', '\uDC00'],
      ['a reversed pair', '\uDE00\uD83D'],
    ])('%s is refused by signValue and sealValue as by serializeCookie', async (_, value) => {
      expect(() => serializeCookie('n', value)).toThrow(CookieError)
      for (const make of [signValue, sealValue]) {
        const error: unknown = await make(ring, 'n', value).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(CookieError)
        expect(error).toMatchObject({ code: 'INVALID_COOKIE_VALUE' })
      }
    })

    it('surrogate pairs are fine and come back unchanged', async () => {
      const value = 'cookie \uD83C\uDF6A'
      const signed = await verifyValue(ring, 'n', await signValue(ring, 'n', value))
      const sealed = await unsealValue(ring, 'n', await sealValue(ring, 'n', value))
      expect(signed).toMatchObject({ ok: true, value })
      expect(sealed).toMatchObject({ ok: true, value })
    })
  },
)
