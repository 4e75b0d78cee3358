import { createAdaptorServer } from '@hono/node-server'
import { type Send, listen } from '@cookietin/testkit'
import type { Hono } from 'hono'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'
import type { CookietinEnv } from '../src/index.ts'

export const SECRET = 'hono-adapter-test-secret-0123456789abcdef'
export const backends = [
  { backend: 'node', crypto: nodeBackend },
  { backend: 'web', crypto: webBackend },
] as const

export type Data = { user: string; blob: string; items: string[] }
export type App = Hono<CookietinEnv<Data>>

export interface Transport {
  transport: string
  open: (app: App) => Promise<{ send: Send; close: () => Promise<void> }>
}

export const transports: Transport[] = [
  {
    transport: 'app.request',
    open: async (app) => ({
      send: async (path, init) => app.request(path, init),
      close: async () => {},
    }),
  },
  {
    transport: '@hono/node-server over HTTP',
    open: (app) => listen(createAdaptorServer({ fetch: app.fetch })),
  },
]
