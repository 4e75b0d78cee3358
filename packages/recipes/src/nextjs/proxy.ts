// proxy.ts (middleware.ts before Next.js 16)
import { type NextRequest, NextResponse } from 'next/server'
import { sessions } from './lib/session'

export async function proxy(request: NextRequest): Promise<Response> {
  const scope = await sessions.read(request)
  if (!scope.session.has('user')) {
    const login = new URL('/login', request.nextUrl)
    return sessions.apply(scope, NextResponse.redirect(login))
  }
  // A change made here is committed onto the response that goes back to the browser.
  scope.session.set('visits', (scope.session.get('visits') ?? 0) + 1)
  return sessions.apply(scope, NextResponse.next())
}

export const config = { matcher: ['/account/:path*'] }
