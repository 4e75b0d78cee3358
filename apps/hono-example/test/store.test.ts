import { runConformance } from '@cookietin/conformance'
import { startServer } from '../src/server.ts'

// The whole suite again with server-side sessions on a real redis-server the suite starts and stops.
runConformance({ name: 'hono+redis', startServer, store: 'redis' })
