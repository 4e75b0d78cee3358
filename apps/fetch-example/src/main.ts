import { runMain } from '@cookietin/site'
import { startServer } from './server.ts'

await runMain({ name: 'fetch', defaultPort: 3005, startServer })
