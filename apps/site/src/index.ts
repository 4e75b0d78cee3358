export {
  DEFAULT_HOST,
  DEFAULT_MAX_AGE,
  SESSION_MAX_SIZE,
  SiteConfigError,
  loadConfig,
  resolveFormat,
  sessionOptions,
  type Env,
  type FormatName,
  type LoadConfigOptions,
  type SiteConfig,
} from './config.ts'
export { DEMO_USERS, createUserStore, type UserStore } from './users.ts'
export {
  DEFAULT_PREFERENCES,
  escapeHtml,
  renderErrorPage,
  renderHomePage,
  renderLoginPage,
  renderProtectedPage,
  renderRedirectPage,
  type HomePageOptions,
  type LoginPageOptions,
  type Preferences,
  type Theme,
} from './html.ts'
export {
  BodyError,
  MAX_BODY_BYTES,
  checkRequestTarget,
  errorResponse,
  errorResult,
  notFoundResponse,
  parseForm,
  parseJsonObject,
  queryOf,
  readBody,
  toHttpResponse,
  type ActionResult,
  type ErrorCode,
  type HttpResponse,
} from './http.ts'
export {
  PREFERENCE_MAX_AGE,
  USER_KEY,
  createSite,
  currentUser,
  isReservedKey,
  readPreferences,
  visibleData,
  type Action,
  type ActionInput,
  type RequestInput,
  type Site,
  type SiteOptions,
} from './api.ts'
export { listen, type RunningServer } from './listen.ts'
export { runMain, type MainOptions } from './cli.ts'
