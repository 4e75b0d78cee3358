const m = { sign: await import('/work/main/packages/core/src/crypto/sign.ts'), keyring: await import('/work/main/packages/core/src/crypto/keyring.ts'), node: await import('/work/main/packages/core/src/crypto/backend.node.ts') }
const ring = m.keyring.createKeyring(['x'.repeat(40)], { backend: m.node.backend })
await m.sign.signValue(ring, 'w', 'x')
const V = 'v'.repeat(100)
const t0 = performance.now(); let n = 0
while (performance.now() - t0 < 3000) { for (let i = 0; i < 500; i++) await m.sign.verifyValue(ring, 'pref', await m.sign.signValue(ring, 'pref', V)); n += 500 }
console.log((performance.now() - t0) * 1000 / n)
