import { runConformance } from '@cookietin/conformance'
import { startServer } from '../src/server.ts'

runConformance({ name: 'fetch', startServer, appDir: new URL('..', import.meta.url) })
