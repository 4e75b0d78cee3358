/**
 * The micro benchmark's cases (issue 7): what is timed, and, for every case, a check that its
 * output is right, so a fast wrong answer can never win. `checkAgreement` runs every check before
 * any timing; the smoke test runs the same checks without timing.
 */
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict'
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto'
import {
  type Keyring,
  createKeyring,
  createSessionHandler,
  parseCookie,
  parseCookies,
  sealValue,
  serializeCookie,
  signValue,
  unsealValue,
  verifyValue,
} from '@cookietin/core'
import { createFlaskCodec, flask } from '@cookietin/core/flask'
import { cookieSession, ironSession, koaSession } from '@cookietin/core/migrate'
import { parseCookie as cookieParse, stringifySetCookie } from 'cookie'
import cookieSignature from 'cookie-signature'
import {
  parse as honoParse,
  parseSigned as honoParseSigned,
  serialize as honoSerialize,
  serializeSigned as honoSerializeSigned,
} from 'hono/utils/cookie'
import { defaults as ironDefaults, seal as ironSeal, unseal as ironUnseal } from 'iron-webcrypto'
import Keygrip from 'keygrip'
import { type BackendName, backends } from '../backends.ts'
import { createFloor } from '../floor.ts'

export interface MicroCase {
  /** `group/lib`, stable: targets and reports refer to it. */
  id: string
  group: string
  lib: string
  /** The timed operation; may return a promise (awaited per call). */
  fn: () => unknown
  /** Throws when the output disagrees with the reference or the case's own contract. */
  check: () => Promise<void>
}

export interface MicroGroup {
  id: string
  title: string
  /** What one timed call does, for the report. */
  detail: string
  /** Set when the group has nothing to time yet, with the reason. */
  pending?: string
}

/** Fixed secrets: results must not depend on the run. Each is over 32 bytes, as core requires. */
const SECRETS = [
  'bench-secret-newest-0123456789abcdef0123456789',
  'bench-secret-middle-0123456789abcdef0123456789',
  'bench-secret-oldest-0123456789abcdef0123456789',
] as const

/** A small deterministic PRNG (mulberry32) so the inputs are the same in every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

function tokenChars(length: number, seed = 1): string {
  const next = prng(seed)
  let out = ''
  for (let i = 0; i < length; i++) out += B64URL[Math.floor(next() * 64)]!
  return out
}

/**
 * The three headers of issue 7: typical 5 cookies (~200 B), 40 cookies (~3.4 KB), one 3 KB value.
 */
const HEADERS = {
  five: [
    `_ga=GA1.2.1234567890.1700000000`,
    `lang=en-US`,
    `theme=dark`,
    `csrftoken=${tokenChars(32, 2)}`,
    `session=${tokenChars(96, 3)}`,
  ].join('; '),
  forty: Array.from(
    { length: 40 },
    (_, i) => `pref_${String(i).padStart(2, '0')}=${tokenChars(76, 100 + i)}`,
  ).join('; '),
  oneBig: `session=${tokenChars(3072, 4)}`,
}

/** A 100-byte value to sign (cookie-safe, so every library can carry it unchanged). */
const VALUE_100 = tokenChars(100, 5)

/** A ~212-byte JSON session to seal. */
const OBJECT_212 = {
  user: 'alice',
  roles: ['reader', 'editor'],
  theme: 'dark',
  lang: 'en-US',
  cart: [
    { sku: 'A-1001', qty: 2 },
    { sku: 'B-2002', qty: 1 },
  ],
  csrf: tokenChars(57, 6),
  visits: 42,
}

const SERIALIZE_VALUE = tokenChars(64, 7)
const SERIALIZE_OPTIONS = {
  maxAge: 1209600,
  path: '/',
  httpOnly: true,
  secure: true,
  sameSite: 'Lax',
} as const
const SESSION_MAX_AGE = 1209600

const plain = (value: object): Record<string, unknown> => ({ ...value })

/** Every case, grouped. A group may be marked `pending` (nothing to time yet) with the reason. */
export async function createMicroCases(): Promise<{ groups: MicroGroup[]; cases: MicroCase[] }> {
  const cases: MicroCase[] = []
  const groups: MicroGroup[] = []
  const add = (
    group: string,
    lib: string,
    fn: () => unknown,
    check: () => Promise<void> | void,
  ) => {
    cases.push({ id: `${group}/${lib}`, group, lib, fn, check: async () => check() })
  }

  // --- Cookie parse -------------------------------------------------------------------------
  const parseGroups = [
    ['parse-5', 'Parse a 5-cookie header', HEADERS.five],
    ['parse-40', 'Parse a 40-cookie header', HEADERS.forty],
    ['parse-3k', 'Parse one 3 KB value', HEADERS.oneBig],
  ] as const
  for (const [id, title, header] of parseGroups) {
    groups.push({ id, title, detail: `${header.length} B header, every cookie into an object` })
    const reference = plain(cookieParse(header))
    ok(Object.keys(reference).length > 0)
    add(
      id,
      'cookietin',
      () => parseCookies(header),
      () => deepStrictEqual(plain(parseCookies(header)), reference),
    )
    add(
      id,
      'cookie@2',
      () => cookieParse(header),
      () => deepStrictEqual(plain(cookieParse(header)), reference),
    )
    add(
      id,
      'hono',
      () => honoParse(header),
      () => deepStrictEqual(plain(honoParse(header)), reference),
    )
  }

  // --- Set-Cookie serialize -----------------------------------------------------------------
  groups.push({
    id: 'serialize',
    title: 'Serialize Set-Cookie, 5 attributes',
    detail: 'a 64-char value with Max-Age, Path, HttpOnly, Secure, SameSite=Lax',
  })
  const expectedSetCookie = `session=${SERIALIZE_VALUE}; Max-Age=1209600; Path=/; HttpOnly; Secure; SameSite=Lax`
  const cookieOptions = { ...SERIALIZE_OPTIONS, sameSite: 'lax' as const }
  add(
    'serialize',
    'cookietin',
    () => serializeCookie('session', SERIALIZE_VALUE, SERIALIZE_OPTIONS),
    () =>
      strictEqual(
        serializeCookie('session', SERIALIZE_VALUE, SERIALIZE_OPTIONS),
        expectedSetCookie,
      ),
  )
  add(
    'serialize',
    'cookie@2',
    () => stringifySetCookie({ name: 'session', value: SERIALIZE_VALUE, ...cookieOptions }),
    () =>
      strictEqual(
        stringifySetCookie({ name: 'session', value: SERIALIZE_VALUE, ...cookieOptions }),
        expectedSetCookie,
      ),
  )
  add(
    'serialize',
    'hono',
    () => honoSerialize('session', SERIALIZE_VALUE, SERIALIZE_OPTIONS),
    () =>
      strictEqual(honoSerialize('session', SERIALIZE_VALUE, SERIALIZE_OPTIONS), expectedSetCookie),
  )

  // --- Sign + verify ------------------------------------------------------------------------
  groups.push({
    id: 'sign-verify',
    title: 'Sign + verify a 100 B value',
    detail:
      'one sign and one verify of the same value (newest key); floors compute two HMAC-SHA256 and compare',
  })
  const rings = {} as Record<BackendName, Keyring>
  const rings3 = {} as Record<BackendName, Keyring>
  for (const name of ['node', 'web'] as const) {
    rings[name] = createKeyring([SECRETS[0]], { backend: backends[name] })
    rings3[name] = createKeyring([...SECRETS], { backend: backends[name] })
    const ring = rings[name]
    // Derive keys before timing: derivation is a one-off per keyring.
    await signValue(ring, 'warm', 'x')
    await signValue(rings3[name], 'warm', 'x')
    add(
      'sign-verify',
      `cookietin:${name}`,
      async () => verifyValue(ring, 'pref', await signValue(ring, 'pref', VALUE_100)),
      async () => {
        const token = await signValue(ring, 'pref', VALUE_100)
        const result = await verifyValue(ring, 'pref', token)
        ok(
          result.ok && result.value === VALUE_100 && !result.stale,
          `${name}: signed value must verify`,
        )
        strictEqual((await verifyValue(ring, 'other', token)).ok, false, 'bound to the cookie name')
        strictEqual(
          (await verifyValue(ring, 'pref', tamper(token))).ok,
          false,
          'tampered token must fail',
        )
      },
    )
  }
  const csSecret = SECRETS[0]
  add(
    'sign-verify',
    'cookie-signature',
    () => cookieSignature.unsign(cookieSignature.sign(VALUE_100, csSecret), csSecret),
    () => {
      const signed = cookieSignature.sign(VALUE_100, csSecret)
      strictEqual(cookieSignature.unsign(signed, csSecret), VALUE_100)
      strictEqual(cookieSignature.unsign(tamper(signed), csSecret), false)
    },
  )
  const keygrip1 = new Keygrip([SECRETS[0]])
  add(
    'sign-verify',
    'keygrip',
    () => keygrip1.verify(VALUE_100, keygrip1.sign(VALUE_100)),
    () => {
      strictEqual(keygrip1.verify(VALUE_100, keygrip1.sign(VALUE_100)), true)
      strictEqual(keygrip1.verify(`${VALUE_100}x`, keygrip1.sign(VALUE_100)), false)
    },
  )
  // The floor: the least a signed cookie can cost on Node, one HMAC to sign and one to verify.
  const hmacKey = createSecretKey(Buffer.from(SECRETS[0]))
  const data100 = Buffer.from(VALUE_100)
  const floorSignVerify = () => {
    const mac = createHmac('sha256', hmacKey).update(data100).digest()
    const again = createHmac('sha256', hmacKey).update(data100).digest()
    return timingSafeEqual(mac, again)
  }
  add('sign-verify', 'floor:node:crypto', floorSignVerify, () => {
    strictEqual(floorSignVerify(), true)
    const mac = createHmac('sha256', hmacKey).update(data100).digest()
    strictEqual(
      mac.toString('hex'),
      createHmac('sha256', Buffer.from(SECRETS[0])).update(VALUE_100).digest('hex'),
    )
  })
  const subtleKey = await crypto.subtle.importKey(
    'raw',
    Buffer.from(SECRETS[0]),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
  const floorSubtle = async () =>
    crypto.subtle.verify(
      'HMAC',
      subtleKey,
      await crypto.subtle.sign('HMAC', subtleKey, data100),
      data100,
    )
  add('sign-verify', 'floor:crypto.subtle', floorSubtle, async () => {
    strictEqual(await floorSubtle(), true)
    const mac = Buffer.from(await crypto.subtle.sign('HMAC', subtleKey, data100))
    strictEqual(mac.toString('hex'), createHmac('sha256', hmacKey).update(data100).digest('hex'))
  })

  // --- Verify with the newest vs the oldest of 3 keys ---------------------------------------
  groups.push({
    id: 'verify-3keys',
    title: 'Verify in a 3-key ring: newest vs oldest key',
    detail:
      'verify only; the token was signed with the newest (key 1 of 3) or the oldest (key 3 of 3) secret',
  })
  for (const name of ['node', 'web'] as const) {
    const ring3 = rings3[name]
    const newest = await signValue(ring3, 'pref', VALUE_100)
    const oldest = await signValue(
      createKeyring([SECRETS[2]], { backend: backends[name] }),
      'pref',
      VALUE_100,
    )
    add(
      'verify-3keys',
      `cookietin:${name}:newest`,
      () => verifyValue(ring3, 'pref', newest),
      async () => {
        const result = await verifyValue(ring3, 'pref', newest)
        ok(result.ok && result.value === VALUE_100 && !result.stale)
      },
    )
    add(
      'verify-3keys',
      `cookietin:${name}:oldest`,
      () => verifyValue(ring3, 'pref', oldest),
      async () => {
        const result = await verifyValue(ring3, 'pref', oldest)
        ok(
          result.ok && result.value === VALUE_100 && result.stale,
          'an old key verifies and reports stale',
        )
      },
    )
  }
  const keygrip3 = new Keygrip([...SECRETS])
  const kgNewest = new Keygrip([SECRETS[0]]).sign(VALUE_100)
  const kgOldest = new Keygrip([SECRETS[2]]).sign(VALUE_100)
  add(
    'verify-3keys',
    'keygrip:newest',
    () => keygrip3.index(VALUE_100, kgNewest),
    () => strictEqual(keygrip3.index(VALUE_100, kgNewest), 0),
  )
  add(
    'verify-3keys',
    'keygrip:oldest',
    () => keygrip3.index(VALUE_100, kgOldest),
    () => strictEqual(keygrip3.index(VALUE_100, kgOldest), 2),
  )

  // --- Seal + unseal ------------------------------------------------------------------------
  const json212 = JSON.stringify(OBJECT_212)
  groups.push({
    id: 'seal-unseal',
    title: `Seal + unseal a ${json212.length} B JSON object`,
    detail:
      'JSON.stringify, encrypt, decrypt, JSON.parse; floors are AES-256-GCM with a random 96-bit nonce',
  })
  for (const name of ['node', 'web'] as const) {
    const ring = rings[name]
    const roundTrip = async () => {
      const opened = await unsealValue(
        ring,
        'session',
        await sealValue(ring, 'session', JSON.stringify(OBJECT_212)),
      )
      return opened.ok ? JSON.parse(opened.value) : undefined
    }
    add('seal-unseal', `cookietin:${name}`, roundTrip, async () => {
      deepStrictEqual(await roundTrip(), OBJECT_212)
      const token = await sealValue(ring, 'session', json212)
      strictEqual((await unsealValue(ring, 'session', tamper(token))).ok, false)
      strictEqual((await unsealValue(ring, 'other', token)).ok, false)
    })
  }
  const ironPassword = SECRETS[0]
  const ironRoundTrip = async () =>
    ironUnseal(await ironSeal(OBJECT_212, ironPassword, ironDefaults), ironPassword, ironDefaults)
  add('seal-unseal', 'iron-webcrypto', ironRoundTrip, async () => {
    deepStrictEqual(await ironRoundTrip(), OBJECT_212)
    const sealed = await ironSeal(OBJECT_212, ironPassword, ironDefaults)
    let rejected = false
    try {
      await ironUnseal(tamper(sealed), ironPassword, ironDefaults)
    } catch {
      rejected = true
    }
    ok(rejected, 'iron-webcrypto must reject a tampered seal')
  })
  const aesKey = createSecretKey(Buffer.from(SECRETS[0]).subarray(0, 32))
  const floorAes = () => {
    const nonce = randomFillSync(Buffer.alloc(12))
    const cipher = createCipheriv('aes-256-gcm', aesKey, nonce)
    const sealed = Buffer.concat([cipher.update(JSON.stringify(OBJECT_212)), cipher.final()])
    const tag = cipher.getAuthTag()
    const decipher = createDecipheriv('aes-256-gcm', aesKey, nonce)
    decipher.setAuthTag(tag)
    return JSON.parse(
      Buffer.concat([decipher.update(sealed), decipher.final()]).toString(),
    ) as unknown
  }
  add('seal-unseal', 'floor:node:crypto', floorAes, () => deepStrictEqual(floorAes(), OBJECT_212))
  const subtleAes = await crypto.subtle.importKey(
    'raw',
    Buffer.from(SECRETS[0]).subarray(0, 32),
    'AES-GCM',
    false,
    ['encrypt', 'decrypt'],
  )
  const floorSubtleAes = async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv },
      subtleAes,
      Buffer.from(JSON.stringify(OBJECT_212)),
    )
    const opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, subtleAes, sealed)
    return JSON.parse(Buffer.from(opened).toString()) as unknown
  }
  add('seal-unseal', 'floor:crypto.subtle', floorSubtleAes, async () =>
    deepStrictEqual(await floorSubtleAes(), OBJECT_212),
  )

  // --- Signed cookie round trip (Hono's helper vs ours) -------------------------------------
  groups.push({
    id: 'signed-cookie',
    title: 'Signed cookie round trip (Set-Cookie out, Cookie in)',
    detail:
      'sign + serialize Set-Cookie, then parse the Cookie header + verify; Hono: serializeSigned + parseSigned',
  })
  for (const name of ['node', 'web'] as const) {
    const ring = rings[name]
    const roundTrip = async () => {
      const setCookie = serializeCookie('pref', await signValue(ring, 'pref', VALUE_100), {
        path: '/',
        httpOnly: true,
      })
      const header = `lang=en; ${setCookie.slice(0, setCookie.indexOf(';'))}`
      const result = await verifyValue(ring, 'pref', parseCookie(header, 'pref') ?? '')
      return result.ok ? result.value : undefined
    }
    add('signed-cookie', `cookietin:${name}`, roundTrip, async () =>
      strictEqual(await roundTrip(), VALUE_100),
    )
  }
  const honoSecret = SECRETS[0]
  const honoRoundTrip = async () => {
    const setCookie = await honoSerializeSigned('pref', VALUE_100, honoSecret, {
      path: '/',
      httpOnly: true,
    })
    const header = `lang=en; ${setCookie.slice(0, setCookie.indexOf(';'))}`
    return (await honoParseSigned(header, honoSecret, 'pref'))['pref']
  }
  add('signed-cookie', 'hono', honoRoundTrip, async () => {
    strictEqual(await honoRoundTrip(), VALUE_100)
    const setCookie = await honoSerializeSigned('pref', VALUE_100, honoSecret, { path: '/' })
    const forged = setCookie
      .slice(0, setCookie.indexOf(';'))
      .replace(VALUE_100, `x${VALUE_100.slice(1)}`)
    strictEqual((await honoParseSigned(forged, honoSecret, 'pref'))['pref'], false)
  })

  // --- Session load + commit end to end -----------------------------------------------------
  groups.push({
    id: 'session',
    title: 'Session load + commit, end to end',
    detail:
      'createSessionHandler: begin(Cookie header) → read n, write n+1 → end() → one Set-Cookie (permanent, 14 days); native signed and sealed formats, the Flask format, and the hand-written floor (find the cookie, check, JSON, re-sign: what the load floor servers run)',
  })
  for (const format of ['signed', 'sealed', 'flask'] as const) {
    for (const name of ['node', 'web'] as const) {
      const handler = createSessionHandler({
        secrets: [SECRETS[0]],
        format: format === 'flask' ? flask() : format,
        backend: backends[name],
        permanent: true,
        maxAge: SESSION_MAX_AGE,
      })
      const first = await handler.begin(undefined, { secure: false })
      first.session.set('user', 'alice')
      first.session.set('n', 1)
      const primed = (await first.finish()).setCookie[0] ?? ''
      const token = primed.slice('session='.length, primed.indexOf(';'))
      const header = `lang=en-US; theme=dark; session=${token}`
      const step = async () => {
        const scope = await handler.begin(header, { secure: false })
        const n = scope.session.get('n') as number
        scope.session.set('n', n + 1)
        return (await scope.finish()).setCookie
      }
      add('session', `cookietin:${format}:${name}`, step, async () => {
        const setCookie = await step()
        strictEqual(setCookie.length, 1)
        const next = await handler.begin(setCookie[0]!.slice(0, setCookie[0]!.indexOf(';')), {
          secure: false,
        })
        ok(!next.session.isNew, 'the committed cookie loads')
        deepStrictEqual(plain(next.session.data), { user: 'alice', n: 2 })
        ok(/Max-Age=1209600/.test(setCookie[0]!) && /HttpOnly/.test(setCookie[0]!))
        const forged = await handler.begin(`lang=en-US; theme=dark; session=${tamper(token)}`, {
          secure: false,
        })
        ok(forged.session.isNew, 'a tampered session cookie reads as a new session')
      })
    }
  }

  // The floor for the same step: hand-written node:crypto read + write of one session cookie.
  for (const kind of ['signed', 'sealed'] as const) {
    const floor = createFloor(kind, SECRETS[0], SESSION_MAX_AGE)
    const primed = floor.write({ n: 1 })
    const token = primed.slice('session='.length, primed.indexOf(';'))
    const header = `lang=en-US; theme=dark; session=${token}`
    const step = () => {
      const session = floor.read(header)
      return floor.write({ n: (session?.n ?? 0) + 1 })
    }
    add('session', `floor:node:crypto:${kind}`, step, () => {
      const setCookie = step()
      deepStrictEqual(floor.read(setCookie.slice(0, setCookie.indexOf(';'))), { n: 2 })
      strictEqual(floor.read(`lang=en-US; theme=dark; session=${tamper(token)}`), undefined)
    })
  }

  // --- migrateFrom: what a request without legacy cookies pays ------------------------------
  groups.push({
    id: 'migrate',
    title: 'Session load + finish without a session cookie, with and without `migrateFrom`',
    detail:
      'createSessionHandler on the node back-end: begin(a Cookie header with no session cookie) → get → finish(), no Set-Cookie; `migrateFrom` holds a cookie-session, a koa-session and an iron-session reader. Also, for reference, the one-off cost of migrating a cookie-session cookie (Web Crypto, awaited)',
  })
  const legacyKey = 'bench keygrip key'
  const migrateFrom = [
    cookieSession({ keys: [legacyKey] }),
    koaSession({ keys: [legacyKey] }),
    ironSession({ cookieName: 'iron', password: SECRETS[1] }),
  ]
  const visitor = 'lang=en-US; theme=dark; _ga=GA1.2.1234567890.1700000000'
  for (const [lib, options] of [
    ['cookietin', {}],
    ['cookietin:migrateFrom', { migrateFrom }],
  ] as const) {
    const handler = createSessionHandler({ secrets: [SECRETS[0]], ...options })
    const step = () => {
      const scope = handler.begin(visitor, { secure: false })
      if (scope instanceof Promise)
        throw new Error('expected a synchronous begin on the node back-end')
      scope.session.get('user')
      return scope.finish()
    }
    add('migrate', lib, step, () => {
      const result = step()
      if (result instanceof Promise) throw new Error('expected a synchronous finish')
      deepStrictEqual(result, { setCookie: [], vary: true })
    })
  }
  const legacyValue = Buffer.from(JSON.stringify({ user: 'alice', n: 1 })).toString('base64')
  const legacySig = createHmac('sha1', legacyKey)
    .update(`session=${legacyValue}`)
    .digest('base64url')
  const legacyHeader = `${visitor}; session=${legacyValue}; session.sig=${legacySig}`
  const migrating = createSessionHandler({ secrets: [SECRETS[0]], migrateFrom })
  const migrateOne = async () => {
    const scope = await migrating.begin(legacyHeader, { secure: false })
    scope.session.get('user')
    return (await scope.finish()).setCookie
  }
  add('migrate', 'cookietin:migrateFrom:one-cookie-session-cookie', migrateOne, async () => {
    const setCookie = await migrateOne()
    deepStrictEqual(
      setCookie.map((line) => line.slice(0, line.indexOf('='))),
      ['session', 'session.sig'],
    )
    ok(setCookie[0]!.startsWith('session=e1.'), 'the session is re-issued as a cookietin cookie')
  })

  // --- Flask format -------------------------------------------------------------------------
  groups.push({
    id: 'flask',
    title: 'Flask format dumps + loads',
    detail:
      "`createFlaskCodec`: itsdangerous URLSafeTimedSerializer + Flask's tagged JSON, HMAC-SHA1, a 4-key session dict",
  })
  const flaskSession = { _permanent: true, _user: 'alice', n: 1, csrf_token: tokenChars(40, 8) }
  for (const name of ['node', 'web'] as const) {
    const codec = createFlaskCodec({ secrets: [SECRETS[0]], backend: backends[name] })
    const roundTrip = async () => {
      const loaded = await codec.loads(await codec.dumps(flaskSession))
      return loaded.ok ? loaded.value : undefined
    }
    add('flask', `cookietin:${name}`, roundTrip, async () => {
      const loaded = await roundTrip()
      ok(loaded, 'a dumped Flask cookie loads')
      deepStrictEqual(plain(loaded), flaskSession)
      const cookie = await codec.dumps(flaskSession)
      strictEqual((await codec.loads(tamper(cookie))).ok, false, 'a tampered Flask cookie fails')
      // Flask's wire shape: base64url(JSON).timestamp.signature, the JSON sorted and compact.
      const [payload] = cookie.split('.')
      strictEqual(
        Buffer.from(payload!, 'base64url').toString(),
        `{"_permanent":true,"_user":"alice","csrf_token":"${flaskSession.csrf_token}","n":1}`,
      )
    })
  }

  return { groups, cases }
}

/** Flips one character in the middle of a token (to another of the same alphabet). */
export function tamper(token: string): string {
  const at = token.length >> 1
  const char = token[at]!
  const swap = char === 'A' ? 'B' : 'A'
  return token.slice(0, at) + swap + token.slice(at + 1)
}

/** Runs every case's check; throws one error listing every disagreement. */
export async function checkAgreement(cases: readonly MicroCase[]): Promise<void> {
  const failures: string[] = []
  for (const c of cases) {
    try {
      await c.check()
      await c.fn()
    } catch (error) {
      failures.push(`${c.id}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  if (failures.length > 0)
    throw new Error(`Micro benchmark cases disagree:\n  ${failures.join('\n  ')}`)
}
