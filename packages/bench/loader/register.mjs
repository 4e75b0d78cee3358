// `node --conditions=@cookietin/source --import ./loader/register.mjs file.ts`: see hooks.mjs.
import { register } from 'node:module'

register('./hooks.mjs', import.meta.url)
