/**
 * The two crypto back-ends, which `@cookietin/core` does not export by name:
 * the back-end is picked by export condition in production, but the benchmark must time both in one
 * process. Kept in this one file so a change of layout in core breaks one import, not the whole bench.
 */
import type { CryptoBackend } from '@cookietin/core'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'

export const backends: Record<'node' | 'web', CryptoBackend> = {
  node: nodeBackend,
  web: webBackend,
}
export type BackendName = keyof typeof backends
