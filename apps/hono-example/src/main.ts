import { runMain } from '@cookietin/site'
import { startServer } from './server.ts'

await runMain({ name: 'hono', defaultPort: 3002, startServer })
