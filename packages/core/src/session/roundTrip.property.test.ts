import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { BrowserJar } from '@cookietin/testkit'
import { createSessionHandler } from './handler.ts'
import { finish } from '../../test/scope.ts'

describe.each(['sealed', 'signed'] as const)('%s sessions', (format) => {
  test('load(commit(s)) equals s for any JSON data that fits', async () => {
    const handler = createSessionHandler({
      secrets: ['round-trip property test secret, 32+ bytes'],
      format,
    })
    const key = fc.string({ minLength: 1, maxLength: 12 })
    const data = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 })
    await fc.assert(
      fc.asyncProperty(data, async (value) => {
        // JSON has no -0; JSON.parse(JSON.stringify(value)) is what any cookie session can store.
        const json = JSON.stringify(value)
        const expected = JSON.parse(json) as Record<string, unknown>
        const browser = new BrowserJar()
        const scope = await handler.begin('', { secure: false })
        const setAll = () => {
          for (const [k, v] of Object.entries(value)) scope.session.set(k, v)
        }
        // fast-check likes `__proto__` keys: refused at `set`, anywhere (docs/sessions.md).
        if (json.includes('"__proto__":')) {
          expect(setAll).toThrowError(expect.objectContaining({ code: 'UNSTORABLE_VALUE' }))
          return
        }
        setAll()
        browser.apply((await finish(scope)).setCookie)
        const loaded = await handler.begin(browser.header, { secure: false })
        expect({ ...loaded.session.data }).toEqual(expected)
      }),
      { numRuns: 150 },
    )
  })
})
