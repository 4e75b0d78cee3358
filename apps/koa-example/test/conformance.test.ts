import { runConformance } from '@cookietin/conformance'
import { startServer } from '../src/server.ts'

runConformance({ name: 'koa', startServer, appDir: new URL('..', import.meta.url) })
