import { describe, expect, it } from 'vitest'
import { createUserStore } from '../src/users.ts'

describe('createUserStore', () => {
  const users = createUserStore()

  it('knows alice and bob by their passwords', async () => {
    expect(await users.verify('alice', 'wonderland')).toBe('alice')
    expect(await users.verify('bob', 'builder')).toBe('bob')
  })

  it('refuses wrong passwords, unknown users and non-strings', async () => {
    expect(await users.verify('alice', 'builder')).toBeNull()
    expect(await users.verify('alice', 'Wonderland')).toBeNull()
    expect(await users.verify('alice', '')).toBeNull()
    expect(await users.verify('carol', 'wonderland')).toBeNull()
    expect(await users.verify('__proto__', 'x')).toBeNull()
    expect(await users.verify('', '')).toBeNull()
    expect(await users.verify(undefined, 'wonderland')).toBeNull()
    expect(await users.verify('alice', 42)).toBeNull()
  })

  it('keeps hashes, not passwords', () => {
    const store = createUserStore({ carol: 'secret-password' })
    expect(JSON.stringify(store)).not.toContain('secret-password')
    expect(store.has('carol')).toBe(true)
    expect(store.has('alice')).toBe(false)
  })
})
