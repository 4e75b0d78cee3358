/**
 * The Flask format against real Flask (Debian's python3-flask: Flask 2.2.2, itsdangerous 2.1.2).
 * Set COOKIETIN_FLASK_PYTHON to run it against another interpreter's Flask (3.1 passes too).
 * One Python process for the whole file (test/fixtures/flask_app.py), spoken to in JSON lines;
 * it makes and reads cookies with Flask's own SecureCookieSessionInterface and, for one test,
 * serves a real Flask app over HTTP.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backend as nodeBackend } from '../../crypto/backend.node.ts'
import { backend as webBackend } from '../../crypto/backend.web.ts'
import { flask as flaskFormat } from '../../flask.ts'
import { createSessionHandler } from '../../session/handler.ts'
import { finish } from '../../../test/scope.ts'
import { createFlaskCodec } from './codec.ts'
import { createTimestampSigner, decodePayload } from './itsdangerous.ts'
import { encodeTaggedJson } from './taggedJson.ts'
import { FlaskTuple, FlaskUUID, Markup } from './values.ts'

const PYTHON = process.env['COOKIETIN_FLASK_PYTHON'] ?? '/usr/bin/python3'
const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/flask_app.py', import.meta.url))
const SECRET = 'interop-secret-key-0123456789abcdef'
const OLD = 'interop-old-secret-key-0123456789ab'
const OTHER = 'interop-unrelated-secret-0123456789'
const T = 1_700_000_000
const MAX_AGE = 2_678_400

type Answer = Record<string, unknown> & { id: number }

/** The fixture process: one request line in, one answer line out. */
function startFlask(): {
  request(message: Record<string, unknown>): Promise<Answer>
  close(): Promise<void>
} {
  const check = spawnSync(PYTHON, ['-c', 'import flask'], { encoding: 'utf8' })
  if (check.error || check.status !== 0) {
    throw new Error(
      `The Flask interop tests need Flask for ${PYTHON}, which failed to import it ` +
        `(${check.error?.message ?? check.stderr.trim()}). Install it with: apt-get install -y python3-flask`,
    )
  }
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [FIXTURE], { stdio: 'pipe' })
  const pending = new Map<
    number,
    { resolve: (answer: Answer) => void; reject: (error: Error) => void }
  >()
  let stderr = ''
  let nextId = 1
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
  }
  child.on('error', failAll)
  child.on('exit', (code) => failAll(new Error(`flask_app.py exited (${String(code)}): ${stderr}`)))
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as Answer
    const waiter = pending.get(answer.id)
    pending.delete(answer.id)
    if (answer['fixture_error']) waiter?.reject(new Error(String(answer['error'])))
    else waiter?.resolve(answer)
  })
  const request = (message: Record<string, unknown>) =>
    new Promise<Answer>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      child.stdin.write(`${JSON.stringify({ ...message, id })}\n`)
    })
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      const timer = setTimeout(() => child.kill(), 2000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.stdin.end()
    })
  return { request, close }
}

let flask: ReturnType<typeof startFlask>
beforeAll(() => {
  flask = startFlask()
})
afterAll(async () => {
  await flask?.close()
})

const pyDumps = async (expr: string, keys: string[] = [SECRET], ts = T) => {
  const answer = await flask.request({ op: 'dumps', expr, keys, ts })
  return { cookie: answer['cookie'] as string, json: answer['json'] as string }
}
const pyLoads = async (
  cookie: string,
  options: { keys?: string[]; now?: number; expect?: string } = {},
) =>
  (await flask.request({
    op: 'loads',
    cookie,
    keys: options.keys ?? [SECRET],
    now: options.now ?? T,
    max_age: MAX_AGE,
    ...(options.expect === undefined ? {} : { expect: options.expect }),
  })) as Answer & { loaded: boolean; equal?: boolean; error?: string; repr?: string }

/** A Python expression for exactly this double. */
const f64 = (x: number) => {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  return `f64('${view.getBigUint64(0).toString(16).padStart(16, '0')}')`
}

type Case = { name: string; js: Record<string, unknown>; py: string }

// The same session in JavaScript and in Python; each small enough that zlib saves under 2 bytes, so
// the payload is not compressed and the whole cookie must be identical.
const CASES: Case[] = [
  {
    name: 'a plain dict',
    js: { user: 'alice', n: 42, ok: true, off: false, none: null, pi: 3.14159, neg: -7 },
    py: "{'user': 'alice', 'n': 42, 'ok': True, 'off': False, 'none': None, 'pi': 3.14159, 'neg': -7}",
  },
  {
    name: 'nested dicts and lists',
    js: { a: { b: { c: [1, [2, [3, {}]]] } }, z: [], y: {} },
    py: "{'a': {'b': {'c': [1, [2, [3, {}]]]}}, 'z': [], 'y': {}}",
  },
  {
    name: 'unicode and control characters (ensure_ascii)',
    js: { é: '\u2713', c: '\u0000"\\/\n\u2028' },
    py: "{'\\u00e9': '\\u2713', 'c': '\\x00\"\\\\/\\n\\u2028'}",
  },
  {
    name: 'keys sorted by code point, not UTF-16 unit',
    js: { '\u{1F600}': 1, '\uffff': 2, z: 4 },
    py: "{'\\U0001F600': 1, '\\uffff': 2, 'z': 4}",
  },
  {
    name: 'a tuple',
    js: { t: new FlaskTuple(1, 'a', new FlaskTuple(2), []) },
    py: "{'t': (1, 'a', (2,), [])}",
  },
  {
    name: 'bytes',
    js: { b: new Uint8Array([0, 1, 2, 62, 63, 253, 254, 255]), e: new Uint8Array() },
    py: "{'b': bytes([0, 1, 2, 62, 63, 253, 254, 255]), 'e': b''}",
  },
  {
    name: 'Markup',
    js: { m: new Markup('<b>bold</b> &amp; é') },
    py: "{'m': Markup('<b>bold</b> &amp; \\u00e9')}",
  },
  {
    name: 'a UUID',
    js: { u: new FlaskUUID('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0') },
    py: "{'u': UUID('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0')}",
  },
  {
    name: 'a datetime',
    js: { d: new Date(Date.UTC(2024, 1, 29, 12, 34, 56)) },
    py: "{'d': datetime(2024, 2, 29, 12, 34, 56, tzinfo=timezone.utc)}",
  },
  { name: 'a dict with a tag-like key', js: { x: { ' t': [1, 2] } }, py: "{'x': {' t': [1, 2]}}" },
  { name: 'a top-level tag-like key', js: { ' m': 'top' }, py: "{' m': 'top'}" },
  {
    name: '_permanent and _flashes as Flask stores them',
    js: { _permanent: true, _flashes: [new FlaskTuple('message', 'Saved')] },
    py: "{'_permanent': True, '_flashes': [('message', 'Saved')]}",
  },
  {
    name: 'ints past 2^53 (bigint in JavaScript)',
    js: { big: 2n ** 64n, neg: -(2n ** 70n) },
    py: "{'big': 2**64, 'neg': -2**70}",
  },
]

// Sessions Flask compresses: zlib output differs between Python's system zlib and Node's bundled
// (Chromium) zlib, so only the JSON, the signing and the ability to read each other are compared.
const COMPRESSED_CASES: Case[] = [
  {
    name: 'unicode',
    js: {
      é: 'h\u00e9llo ✓',
      '\u{1F600}': '\u{1F600}',
      '\uffff': 'bmp',
      '\ue000': 'pua',
      c: '\u0000\u001f\u007f"\\/\n\t\u2028',
    },
    py: "{'\\u00e9': 'h\\u00e9llo \\u2713', '\\U0001F600': '\\U0001F600', '\\uffff': 'bmp', '\\ue000': 'pua', 'c': '\\x00\\x1f\\x7f\"\\\\/\\n\\t\\u2028'}",
  },
  {
    name: 'tuples, dates and tag-like dicts',
    js: {
      t: new FlaskTuple(1, 'a', new FlaskTuple(2, 3), [4], new FlaskTuple()),
      d: new Date(Date.UTC(2024, 1, 29, 12, 34, 56)),
      epoch: new Date(0),
      u: new FlaskUUID('12345678-1234-5678-1234-567812345678'),
      y: { ' di': { ' b': 'not bytes' } },
    },
    py:
      "{'t': (1, 'a', (2, 3), [4], ()), 'd': datetime(2024, 2, 29, 12, 34, 56, tzinfo=timezone.utc), " +
      "'epoch': datetime(1970, 1, 1, tzinfo=timezone.utc), 'u': UUID('12345678-1234-5678-1234-567812345678'), " +
      "'y': {' di': {' b': 'not bytes'}}}",
  },
  {
    name: 'flashes',
    js: {
      _permanent: true,
      _flashes: [new FlaskTuple('message', 'Hi'), new FlaskTuple('error', 'No')],
      _user: 'bob',
    },
    py: "{'_permanent': True, '_flashes': [('message', 'Hi'), ('error', 'No')], '_user': 'bob'}",
  },
  {
    name: 'a cart',
    js: {
      cart: Array.from({ length: 60 }, (_, i) => new FlaskTuple(`sku-${i % 5}`, i)),
      note: 'x'.repeat(300),
    },
    py: "{'cart': [('sku-%d' % (i % 5), i) for i in range(60)], 'note': 'x' * 300}",
  },
]

describe.each([
  ['node', nodeBackend],
  ['web', webBackend],
] as const)('Flask interop, %s back-end', (_name, backend) => {
  const codec = createFlaskCodec({ secrets: [SECRET], backend })

  describe.each(CASES)('$name', ({ js, py }) => {
    it('Node writes the very cookie Flask writes, and the same JSON', async () => {
      const flaskMade = await pyDumps(py)
      expect(flaskMade.cookie.startsWith('.')).toBe(false)
      expect(encodeTaggedJson(js)).toBe(flaskMade.json)
      expect(await codec.dumps(js, T)).toBe(flaskMade.cookie)
    })

    it('Node reads what Flask writes, and writes it back unchanged', async () => {
      const flaskMade = await pyDumps(py)
      const result = await codec.loads(flaskMade.cookie, T)
      expect(result).toEqual({ ok: true, value: js, keyIndex: 0, timestamp: T })
      if (result.ok) expect(await codec.dumps(result.value, T)).toBe(flaskMade.cookie)
    })

    it('Flask reads what Node writes, with the same Python types', async () => {
      const answer = await pyLoads(await codec.dumps(js, T), { expect: py })
      expect(answer).toMatchObject({ loaded: true, equal: true })
    })
  })

  describe.each(COMPRESSED_CASES)('compressed: $name', ({ js, py }) => {
    it('same JSON, same signature over the same payload, and each side reads the other', async () => {
      const flaskMade = await pyDumps(py)
      const nodeMade = await codec.dumps(js, T)
      expect(flaskMade.cookie.startsWith('.')).toBe(true)
      expect(encodeTaggedJson(js)).toBe(flaskMade.json)
      expect(await codec.loads(flaskMade.cookie, T)).toEqual({
        ok: true,
        value: js,
        keyIndex: 0,
        timestamp: T,
      })
      expect(await pyLoads(nodeMade, { expect: py })).toMatchObject({ loaded: true, equal: true })
      // Both inflate to Flask's JSON, and Node's signature over Flask's payload is Flask's signature.
      const payloadOf = (cookie: string) =>
        cookie.slice(0, cookie.lastIndexOf('.', cookie.lastIndexOf('.') - 1))
      for (const cookie of [flaskMade.cookie, nodeMade]) {
        if (cookie.startsWith('.')) {
          expect(await decodePayload(payloadOf(cookie), backend, 1 << 20)).toEqual({
            ok: true,
            json: flaskMade.json,
          })
        }
      }
      const signer = createTimestampSigner({ secrets: [SECRET], salt: 'cookie-session', backend })
      expect(await signer.sign(payloadOf(flaskMade.cookie), T)).toBe(flaskMade.cookie)
    })
  })

  it('floats are written as Python writes them (json.dumps uses float.__repr__)', async () => {
    const floats = [
      0.1,
      -2.5,
      1e16,
      1e15 + 0.5,
      1.5e300,
      5e-324,
      1e-5,
      0.0001,
      1e22,
      2 ** 53,
      2 ** 60,
      -0,
      Number.MAX_VALUE,
      1 / 3,
      1.1 * 100,
      123456789.123,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]
    let seed = 42
    for (let i = 0; i < 200; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      const view = new DataView(new ArrayBuffer(8))
      view.setUint32(0, seed * 2)
      view.setUint32(4, (seed * 69069) >>> 0)
      const x = view.getFloat64(0)
      if (Number.isFinite(x) && !Number.isSafeInteger(x)) floats.push(x)
    }
    const answer = await flask.request({
      op: 'json',
      expr: `{'f': [${floats.map(f64).join(', ')}]}`,
    })
    expect(encodeTaggedJson({ f: floats })).toBe(answer['json'])
  })

  it('integral floats under 2^53 read as numbers and come back to Flask as ints (documented loss)', async () => {
    const flaskMade = await pyDumps("{'f': 2.0, 'g': 0.5, 'h': 1e16}")
    expect(flaskMade.json).toBe('{"f":2.0,"g":0.5,"h":1e+16}')
    const result = await codec.loads(flaskMade.cookie, T)
    expect(result).toMatchObject({ ok: true, value: { f: 2, g: 0.5, h: 1e16 } })
    if (!result.ok) return
    const back = await pyLoads(await codec.dumps(result.value, T), {
      expect: "{'f': 2, 'g': 0.5, 'h': 1e16}",
    })
    expect(back).toMatchObject({ loaded: true, equal: true })
  })

  it('rotation: itsdangerous signs with the LAST key of its list, cookietin with the FIRST of its own', async () => {
    const rotated = createFlaskCodec({ secrets: [SECRET, OLD], backend })
    // Flask with SECRET_KEY = [OLD, SECRET] (itsdangerous: oldest to newest) signs with SECRET.
    const flaskRotated = await pyDumps("{'a': 1}", [OLD, SECRET])
    expect(await rotated.dumps({ a: 1 }, T)).toBe(flaskRotated.cookie)
    expect(flaskRotated.cookie).toBe((await pyDumps("{'a': 1}", [SECRET])).cookie)
    // A cookie from before the rotation verifies with the fallback, reporting index 1.
    const flaskOld = await pyDumps("{'a': 1}", [OLD])
    expect(await rotated.loads(flaskOld.cookie, T)).toEqual({
      ok: true,
      value: { a: 1 },
      keyIndex: 1,
      timestamp: T,
    })
    // And the other way round.
    const nodeOld = await createFlaskCodec({ secrets: [OLD], backend }).dumps({ a: 1 }, T)
    expect(await pyLoads(nodeOld, { keys: [OLD, SECRET], expect: "{'a': 1}" })).toMatchObject({
      loaded: true,
      equal: true,
    })
    const nodeRotated = await rotated.dumps({ a: 1 }, T)
    expect(await pyLoads(nodeRotated, { keys: [SECRET] })).toMatchObject({ loaded: true })
    expect(await pyLoads(nodeRotated, { keys: [OLD] })).toMatchObject({ loaded: false })
  })

  it('a wrong key is refused both ways', async () => {
    const flaskOther = await pyDumps("{'a': 1}", [OTHER])
    expect(await codec.loads(flaskOther.cookie, T)).toEqual({ ok: false, reason: 'bad_signature' })
    const answer = await pyLoads(await codec.dumps({ a: 1 }, T), { keys: [OTHER] })
    expect(answer.loaded).toBe(false)
    expect(answer.error).toMatch(/^Bad(Time)?Signature/)
  })

  it('max age is enforced both ways; only Flask refuses a timestamp 1 s in the future', async () => {
    const flaskMade = await pyDumps("{'a': 1}")
    expect((await codec.loads(flaskMade.cookie, T + MAX_AGE)).ok).toBe(true)
    expect(await codec.loads(flaskMade.cookie, T + MAX_AGE + 1)).toEqual({
      ok: false,
      reason: 'expired',
    })
    const nodeMade = await codec.dumps({ a: 1 }, T)
    expect(await pyLoads(nodeMade, { now: T + MAX_AGE })).toMatchObject({ loaded: true })
    expect(await pyLoads(nodeMade, { now: T + MAX_AGE + 1 })).toMatchObject({
      loaded: false,
      error: expect.stringMatching(/^SignatureExpired: Signature age 2678401 > 2678400/),
    })
    // itsdangerous 2.1.2 refuses any future timestamp; cookietin allows 60 s of clock skew.
    expect(await pyLoads(nodeMade, { now: T - 1 })).toMatchObject({
      loaded: false,
      error: expect.stringMatching(/^SignatureExpired: Signature age -1 < 0/),
    })
    expect((await codec.loads(flaskMade.cookie, T - 1)).ok).toBe(true)
    expect(await codec.loads(flaskMade.cookie, T - 61)).toEqual({ ok: false, reason: 'future' })
  })
})

describe('a real Flask app over HTTP', () => {
  const HTTP_SECRET = 'interop-http-secret-key-0123456789'
  const VALUE = {
    user: 'alice',
    tuple: new FlaskTuple(1, 'two', new FlaskTuple(3)),
    bytes: new Uint8Array([0, 1, 254, 255]),
    markup: new Markup('<b>bold</b>'),
    uuid: new FlaskUUID('12345678-1234-5678-1234-567812345678'),
    when: new Date(Date.UTC(2024, 1, 29, 12, 34, 56)),
    nested: { ' t': [1, 2], unicode: 'h\u00e9llo \u{1F600}' },
  }
  const codec = createFlaskCodec({ secrets: [HTTP_SECRET] })
  let base = ''
  beforeAll(async () => {
    base = `http://127.0.0.1:${String((await flask.request({ op: 'serve' }))['port'])}`
  })

  it('Node reads the session cookie Flask sets', async () => {
    const response = await fetch(`${base}/write`)
    expect(response.status).toBe(200)
    const setCookie = response.headers
      .getSetCookie()
      .find((header) => header.startsWith('session='))
    expect(setCookie).toBeDefined()
    const cookie = (setCookie as string).slice('session='.length).split(';')[0] as string
    expect(await codec.loads(cookie)).toMatchObject({
      ok: true,
      keyIndex: 0,
      value: { ...VALUE, _permanent: true, _flashes: [new FlaskTuple('info', 'Welcome back')] },
    })
  })

  it('Flask reads the session cookie Node writes, flashes included', async () => {
    const cookie = await codec.dumps({
      ...VALUE,
      _permanent: true,
      _flashes: [new FlaskTuple('warning', 'From Node')],
    })
    const response = await fetch(`${base}/read`, { headers: { cookie: `session=${cookie}` } })
    expect(await response.json()).toMatchObject({
      matches: true,
      permanent: true,
      flashes: [['warning', 'From Node']],
      flash_types: ['tuple'],
    })
  })
})

describe.each([
  ['node', nodeBackend],
  ['web', webBackend],
] as const)(
  'a Flask session holding ints past 2^53, through sessions (%s back-end)',
  (_, backend) => {
    // Snowflake-style 64-bit ids: Python ints that JavaScript reads as bigints.
    const PY = '{"uid": 2**64 + 1, "ids": [2**53 + 1, -(2**63)], "user": "alice"}'
    const UID = 2n ** 64n + 1n
    const handler = createSessionHandler({
      secrets: [SECRET],
      format: flaskFormat(),
      backend,
      maxAge: MAX_AGE,
      now: () => T * 1000,
    })
    const cookieOf = (lines: string[]) =>
      (lines[0] as string).slice(8, (lines[0] as string).indexOf(';'))

    it('loads, reads, changes and clears, and Flask reads what Node wrote', async () => {
      const { cookie } = await pyDumps(PY)
      const read = await handler.begin(`session=${cookie}`, { secure: false })
      expect(read.session.isNew).toBe(false)
      expect(read.session.get('uid')).toBe(UID)
      expect(read.session.get('ids')).toEqual([2n ** 53n + 1n, -(2n ** 63n)])
      // An unchanged read sends nothing (the change check serializes the bigints without throwing).
      expect((await finish(read)).setCookie).toEqual([])

      const change = await handler.begin(`session=${cookie}`, { secure: false })
      change.session.set('visits', 1)
      const changed = (await finish(change)).setCookie
      expect(changed).toHaveLength(1)
      expect(changed[0]).toMatch(/^session=/)
      expect(
        await pyLoads(cookieOf(changed), {
          expect: '{"uid": 2**64 + 1, "ids": [2**53 + 1, -(2**63)], "user": "alice", "visits": 1}',
        }),
      ).toMatchObject({ loaded: true, equal: true })

      const clear = await handler.begin(`session=${cookieOf(changed)}`, { secure: false })
      expect(clear.session.get('uid')).toBe(UID)
      clear.session.clear()
      const cleared = (await finish(clear)).setCookie
      expect(cleared).toHaveLength(1)
      expect(cleared[0]).toMatch(/^session=; Max-Age=0;/)
    })
  },
)
