/**
 * The two crypto back-ends, timed side by side in one process. The back-end is picked by export
 * condition (core's private `#crypto-backend` import), so under Node the public entries only ever
 * give the node one: it is read off a keyring, through `@cookietin/core`. The Web Crypto one has no
 * public entry, so it is the one import here that reaches into core's sources; kept in this one file
 * so a change of layout in core breaks one import, not the whole bench. A public
 * `@cookietin/core/backend-web` export (the file `#crypto-backend` already builds for non-Node
 * runtimes) would remove it.
 */
import { type CryptoBackend, createKeyring } from '@cookietin/core'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'

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
