// app/routes/home.tsx (the loader and the action; the component is yours)
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from 'react-router'
import { sessionContext } from '../session.server'

export async function loader({ context }: LoaderFunctionArgs) {
  const session = context.get(sessionContext)
  const visits = (session.get('visits') ?? 0) + 1
  session.set('visits', visits)
  return { visits, user: session.get('user') ?? null }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = (await request.formData()).get('user')
  if (typeof user !== 'string' || user === '') return { error: 'user is required' }
  const session = context.get(sessionContext)
  session.regenerate()
  session.set('user', user)
  return redirect('/')
}
