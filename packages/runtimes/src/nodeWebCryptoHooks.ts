/**
 * Node module hooks for the `node-webcrypto` run: resolves core's `#crypto-backend` without the
 * `node` condition, as every non-Node runtime does, so the whole library (sessions, the Hono
 * adapter, flask) runs on the Web Crypto back-end with nothing injected. Node cannot drop a
 * condition by flag.
 */
import type { ResolveHook } from 'node:module'

export const resolve: ResolveHook = (specifier, context, nextResolve) =>
  specifier === '#crypto-backend'
    ? nextResolve(specifier, {
        ...context,
        conditions: context.conditions.filter((c) => c !== 'node'),
      })
    : nextResolve(specifier, context)
