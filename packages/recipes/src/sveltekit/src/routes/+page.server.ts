// src/routes/+page.server.ts
import { type Actions, type ServerLoad, fail, redirect } from '@sveltejs/kit'

export const load: ServerLoad = async ({ locals }) => {
  const visits = (locals.session.get('visits') ?? 0) + 1
  locals.session.set('visits', visits)
  return { visits, user: locals.session.get('user') ?? null }
}

export const actions: Actions = {
  login: async ({ request, locals }) => {
    const user = (await request.formData()).get('user')
    if (typeof user !== 'string' || user === '') return fail(400, { error: 'user is required' })
    locals.session.regenerate()
    locals.session.set('user', user)
    redirect(303, '/')
  },
}
