import { createHmac, createSecretKey, timingSafeEqual, createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto'
const A = '/work/main/packages/core/src'
const B = '/tmp/before/packages/core/src'
const load = async (root: string) => ({
  sign: await import(root + '/crypto/sign.ts'), seal: await import(root + '/crypto/seal.ts'),
  keyring: await import(root + '/crypto/keyring.ts'), node: await import(root + '/crypto/backend.node.ts'),
  handler: await import(root + '/session/handler.ts'), ser: await import(root + '/cookie/serialize.ts'),
})
const SECRET = 'x'.repeat(40)
const V100 = 'v'.repeat(100)
const OBJ = { user: { id: 12345, name: 'Alice Example', roles: ['admin', 'editor'] }, csrf: 'abcdefghijklmnopqrstuvwxyz012345', cart: [1, 2, 3, 4, 5], theme: 'dark', lang: 'en-US', n: 42 }
async function setup(m: any) {
  const ring = m.keyring.createKeyring([SECRET], { backend: m.node.backend })
  await m.sign.signValue(ring, 'w', 'x')
  const cases: Record<string, () => unknown> = {}
  cases.signverify = async () => m.sign.verifyValue(ring, 'pref', await m.sign.signValue(ring, 'pref', V100))
  cases.sealunseal = async () => { const o = await m.seal.unsealValue(ring, 'session', await m.seal.sealValue(ring, 'session', JSON.stringify(OBJ))); return JSON.parse(o.value) }
  for (const format of ['signed', 'sealed']) {
    const handler = m.handler.createSessionHandler({ secrets: [SECRET], format, backend: m.node.backend, permanent: true })
    const first = await handler.begin(undefined, { secure: false })
    first.session.set('user', 'alice'); first.session.set('n', 1)
    const primed = (await handler.end(first)).setCookie[0]
    const token = primed.slice('session='.length, primed.indexOf(';'))
    const header = `lang=en-US; theme=dark; session=${token}`
    cases['session:' + format] = async () => { const scope = await handler.begin(header, { secure: false }); scope.session.set('n', (scope.session.get('n') as number) + 1); return handler.end(scope) }
  }
  const SO = { maxAge: 1209600, path: '/', httpOnly: true, secure: true, sameSite: 'Lax' }
  const SV = 'a'.repeat(64)
  cases.serialize = () => m.ser.serializeCookie('session', SV, SO)
  return cases
}
const key = createSecretKey(Buffer.from(SECRET)); const d100 = Buffer.from(V100)
const aes = createSecretKey(Buffer.alloc(32, 1))
const floors: Record<string, () => unknown> = {
  signverify: () => timingSafeEqual(createHmac('sha256', key).update(d100).digest(), createHmac('sha256', key).update(d100).digest()),
  sealunseal: () => { const nonce = randomFillSync(Buffer.alloc(12)); const c = createCipheriv('aes-256-gcm', aes, nonce); const s = Buffer.concat([c.update(JSON.stringify(OBJ)), c.final()]); const tag = c.getAuthTag(); const d = createDecipheriv('aes-256-gcm', aes, nonce); d.setAuthTag(tag); return JSON.parse(Buffer.concat([d.update(s), d.final()]).toString()) },
}
async function time(f: () => unknown, ms = 200) {
  const isAsync = f() instanceof Promise
  let n = 0; const start = performance.now(); let now = start
  while (now - start < ms) { if (isAsync) for (let i = 0; i < 200; i++) await f(); else for (let i = 0; i < 200; i++) f(); n += 200; now = performance.now() }
  return (now - start) * 1000 / n
}
const before = await setup(await load(B)); const after = await setup(await load(A))
const rounds = Number(process.argv[2] ?? 5)
const res: Record<string, number[][]> = {}
for (let r = 0; r < rounds; r++) for (const k of Object.keys(after)) {
  const row = [await time(before[k]!), await time(after[k]!), floors[k] ? await time(floors[k]) : (k.startsWith('session') ? await time(floors[k.includes('sealed') ? 'sealunseal' : 'signverify']) : NaN)]
  ;(res[k] ??= []).push(row)
}
const med = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!
for (const [k, rows] of Object.entries(res)) {
  const b = med(rows.map((r) => r[0]!)), a = med(rows.map((r) => r[1]!)), f = med(rows.map((r) => r[2]!))
  const rb = med(rows.map((r) => r[0]! / r[2]!)), ra = med(rows.map((r) => r[1]! / r[2]!))
  console.log(`${k.padEnd(16)} before ${b.toFixed(2)}µs  after ${a.toFixed(2)}µs  floor ${f.toFixed(2)}µs  before/floor ${rb.toFixed(2)}x after/floor ${ra.toFixed(2)}x after/before ${med(rows.map(r=>r[1]!/r[0]!)).toFixed(2)}x`)
}
