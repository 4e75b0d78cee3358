// src/app.d.ts
import type { CookieJar, Session } from '@cookietin/fetch'
import type { SessionData } from './lib/server/session'

declare global {
  namespace App {
    interface Locals {
      session: Session<SessionData>
      cookieJar: CookieJar
    }
  }
}

export {}
