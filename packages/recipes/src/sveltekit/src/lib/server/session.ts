// src/lib/server/session.ts
import { cookietin } from '@cookietin/fetch'

export interface SessionData {
  user: string
  visits: number
}

export const sessions = cookietin<SessionData>({ secrets: process.env['SESSION_SECRET'] ?? '' })
