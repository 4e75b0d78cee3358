// app/api/cart/[item]/route.ts
import { SessionTooLargeError, commitSession } from '@cookietin/fetch'
import type { NextRequest } from 'next/server'
import { sessions } from '../../../../lib/session'

type Params = { params: Promise<{ item: string }> }

export const PUT = sessions.wrap(async (_request: NextRequest, context, { params }: Params) => {
  const { item } = await params
  context.session.set('cart', [...(context.session.get('cart') ?? []), item])
  try {
    await commitSession(context) // now, so that a session too large for its cookies is a 413
  } catch (error) {
    if (error instanceof SessionTooLargeError)
      return Response.json({ error: 'cart too large' }, { status: 413 })
    throw error
  }
  return Response.json({ cart: context.session.get('cart') })
})
