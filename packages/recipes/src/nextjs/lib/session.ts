// lib/session.ts: one instance for the whole app, so the options are checked once, at start-up.
import { cookietin } from '@cookietin/fetch'

export interface SessionData {
  user: string
  visits: number
  cart: string[]
}

// Unset or under 32 bytes: throws when the server starts, not at the first request.
export const sessions = cookietin<SessionData>({ secrets: process.env['SESSION_SECRET'] ?? '' })
