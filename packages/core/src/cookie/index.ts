export { parseCookie, parseCookies } from './parse.ts'
export {
  type CookieOptions,
  MAX_AGE_CAP_SECONDS,
  MAX_COOKIE_SIZE,
  type Priority,
  type SameSite,
  serializeCookie,
  serializeCookieDeletion,
} from './serialize.ts'
export { isValidCookieName } from './validate.ts'
