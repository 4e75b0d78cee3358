import { runMain } from '@cookietin/site'
import { startServer } from './server.ts'

await runMain({ name: 'fastify', defaultPort: 3004, startServer })
