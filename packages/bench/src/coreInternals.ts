/**
 * The two crypto back-ends and the Flask codec, which `@cookietin/core` does not export by name:
 * the back-end is picked by export condition in production, but the benchmark must time both in one
 * process. Kept in this one file so a change of layout in core breaks one import, not the whole bench.
 */
import type { CryptoBackend } from '@cookietin/core'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'

export const backends: Record<'node' | 'web', CryptoBackend> = { node: nodeBackend, web: webBackend }
export type BackendName = keyof typeof backends

export interface FlaskCodecLike {
  dumps(value: Record<string, unknown>, now?: number): Promise<string>
  loads(cookie: string, now?: number): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; reason: string }>
}
export type CreateFlaskCodec = (options: { secrets: readonly string[]; backend?: CryptoBackend }) => FlaskCodecLike

/**
 * `createFlaskCodec` from `@cookietin/core/flask` once core exports it, else from core's source folder,
 * else `undefined` (the Flask micro benchmark then reports itself as pending).
 */
export async function loadFlaskCodec(): Promise<{ create: CreateFlaskCodec; from: string } | undefined> {
  const candidates = ['@cookietin/core/flask', '../../core/src/formats/flask/index.ts']
  for (const specifier of candidates) {
    try {
      const module = (await import(specifier)) as { createFlaskCodec?: CreateFlaskCodec }
      if (typeof module.createFlaskCodec === 'function') return { create: module.createFlaskCodec, from: specifier }
    } catch {
      // Not there (yet): try the next one.
    }
  }
  return undefined
}
