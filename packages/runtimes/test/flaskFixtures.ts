/**
 * Makes fixtures/flask.json: Flask session cookies produced by `createFlaskCodec` on Node at a fixed
 * time, which every runtime must reproduce (uncompressed ones, byte for byte) or load (compressed
 * ones: another zlib may deflate differently, and that is fine).
 * Regenerate (only when the cases change): UPDATE_FIXTURES=1 pnpm --filter @cookietin/runtimes test
 */
import { writeFileSync } from 'node:fs'
import { createFlaskCodec } from '@cookietin/core/flask'
import { type FlaskFixtureCase, type FlaskFixtures, fromFixture } from '../src/flaskValues.ts'

const FLASK_FIXTURES_PATH = new URL('../fixtures/flask.json', import.meta.url)

const SECRETS = [
  'cookietin runtime matrix: Flask SECRET_KEY (newest)',
  'cookietin runtime matrix: Flask SECRET_KEY_FALLBACKS[0]',
]
const NOW = 1_767_225_600 // 2026-01-01T00:00:00Z
const MAX_AGE = 2_678_400 // Flask's default PERMANENT_SESSION_LIFETIME, 31 days

const CASES: Omit<FlaskFixtureCase, 'cookie'>[] = [
  {
    id: 'login',
    description: 'a permanent login session: too short for zlib to win, so stored as plain JSON',
    signedWith: 0,
    value: { _permanent: true, user_id: 42, username: 'alice' },
  },
  {
    id: 'tagged',
    description: "Flask's tagged JSON: Markup and a tuple (short enough to stay uncompressed)",
    signedWith: 0,
    value: { motd: { $markup: '<b>hi</b> & bye' }, pair: { $tuple: [1, 'two'] } },
  },
  {
    id: 'tagged-uuid',
    description: "Flask's tagged JSON: a UUID and a tuple",
    signedWith: 0,
    value: {
      pair: { $tuple: [1, 'two'] },
      token: { $uuid: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6' },
    },
  },
  {
    id: 'tagged-bytes-date',
    description:
      "Flask's tagged JSON: bytes, datetime, non-ASCII text (escaped as Flask's ASCII JSON does)",
    signedWith: 0,
    value: {
      csrf: { $bytes: '00ff10' },
      seen: { $date: '2025-12-31T23:59:59.000Z' },
      note: 'héllo 🍪',
    },
  },
  {
    id: 'fallback-key',
    description: 'signed with SECRET_KEY_FALLBACKS[0]: loads with keyIndex 1 (re-issue it)',
    signedWith: 1,
    value: { username: 'bob' },
  },
  {
    id: 'cart',
    description: 'a repetitive cart: zlib shortens it, so the payload is compressed (leading ".")',
    signedWith: 0,
    value: {
      cart: Array.from({ length: 12 }, (_, i) => ({ qty: 1 + (i % 2), sku: `widget-${i % 3}` })),
      user: 'alice',
    },
  },
  {
    id: 'flashes',
    description: 'many flashed messages: compressed',
    signedWith: 0,
    value: {
      _flashes: Array.from({ length: 10 }, (_, i) => ({
        $tuple: [i % 2 ? 'info' : 'error', `Message number ${i}`],
      })),
    },
  },
]

export async function generateFlaskFixtures(): Promise<FlaskFixtures> {
  const cases: FlaskFixtureCase[] = []
  for (const c of CASES) {
    const codec = createFlaskCodec({ secrets: SECRETS.slice(c.signedWith), maxAge: MAX_AGE })
    cases.push({
      ...c,
      cookie: await codec.dumps(fromFixture(c.value) as Record<string, unknown>, NOW),
    })
  }
  const fixtures: FlaskFixtures = {
    $comment:
      'Flask session cookies made by createFlaskCodec on Node (test/flaskFixtures.ts). Regenerate: UPDATE_FIXTURES=1 pnpm --filter @cookietin/runtimes test',
    secrets: SECRETS,
    now: NOW,
    maxAge: MAX_AGE,
    cases,
  }
  writeFileSync(FLASK_FIXTURES_PATH, `${JSON.stringify(fixtures, null, 2)}\n`)
  return fixtures
}
