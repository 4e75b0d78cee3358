import { runMain } from '@cookietin/site'
import { startServer } from './server.ts'

await runMain({ name: 'koa', defaultPort: 3003, startServer })
