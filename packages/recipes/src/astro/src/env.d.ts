// src/env.d.ts
/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    session: import('@cookietin/fetch').Session<import('./lib/session').SessionData>
    cookieJar: import('@cookietin/fetch').CookieJar
  }
}
