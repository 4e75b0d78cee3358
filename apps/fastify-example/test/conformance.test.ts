import { runConformance } from '@cookietin/conformance'
import { startServer } from '../src/server.ts'

runConformance({ name: 'fastify', startServer, appDir: new URL('..', import.meta.url) })
