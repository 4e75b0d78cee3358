import { runMain } from '@cookietin/site'
import { startServer } from './server.ts'

await runMain({ name: 'express', defaultPort: 3001, startServer })
