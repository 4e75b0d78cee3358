// The jar lives in @cookietin/testkit; src/session/*.test.ts import it from here.
export { BrowserJar } from '@cookietin/testkit'
