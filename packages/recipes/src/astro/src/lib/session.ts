// src/lib/session.ts
import { cookietin } from '@cookietin/fetch'

export interface SessionData {
  user: string
  visits: number
}

export const sessions = cookietin<SessionData>({
  secrets: import.meta.env['SESSION_SECRET'] ?? '',
})
