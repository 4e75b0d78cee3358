export { Browser } from './browser.ts'
export { BrowserJar, cookieNames } from './jar.ts'
export { type Listening, type Send, freshFetch, listen } from './server.ts'
export { randomHex } from './random.ts'
