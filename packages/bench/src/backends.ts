/**
 * The two crypto back-ends, timed side by side in one process, both through core's public entries:
 * under Node `@cookietin/core` picks the node one by export condition (read off a keyring), and
 * `@cookietin/core/web-crypto` publishes the Web Crypto one.
 */
import { type CryptoBackend, createKeyring } from '@cookietin/core'
import { backend as webBackend } from '@cookietin/core/web-crypto'

const nodeBackend = createKeyring(['core-internals-probe-0123456789abcdef']).backend
if (nodeBackend.name !== 'node' || webBackend.name !== 'web') {
  throw new Error(
    `expected the node and web back-ends, got ${nodeBackend.name} and ${webBackend.name}: the bench runs under Node only`,
  )
}

export const backends: Record<'node' | 'web', CryptoBackend> = {
  node: nodeBackend,
  web: webBackend,
}
export type BackendName = keyof typeof backends
