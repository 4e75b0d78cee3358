import { runBrowserTests } from '@cookietin/conformance/browser'
import { startServer } from '../src/server.ts'

runBrowserTests({ name: 'fastify', startServer })
