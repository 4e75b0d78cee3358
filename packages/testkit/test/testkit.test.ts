import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  Browser,
  BrowserJar,
  cookieNames,
  listen,
  markdownCodeBlocks,
  randomHex,
} from '../src/index.ts'

describe('BrowserJar', () => {
  it('stores name=value pairs, replaces them, forgets them on Max-Age=0', () => {
    const jar = new BrowserJar()
    jar.apply(['a=1; Path=/; HttpOnly', ' b = 2 ', 'c=x=y'])
    expect(jar.header).toBe('a=1; b=2; c=x=y')
    jar.apply(['a=3', 'b=; Path=/; max-age=0'])
    expect([...jar.cookies]).toEqual([
      ['a', '3'],
      ['c', 'x=y'],
    ])
    jar.apply(['a=; Max-Age=0', 'c=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0'])
    expect(jar.header).toBe('')
  })
})

it('cookieNames: of lines and of a response', () => {
  expect(cookieNames(['a=1; Path=/', 'b.0=', 'a=; Max-Age=0'])).toEqual(['a', 'b.0', 'a'])
  const response = new Response(null, {
    headers: [
      ['set-cookie', 'x=1'],
      ['set-cookie', 'y=2'],
    ],
  })
  expect(cookieNames(response)).toEqual(['x', 'y'])
})

it('randomHex: two characters a byte', () => {
  expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/)
})

it('listen + Browser: a server on a free port, fresh connections, cookies carried', async () => {
  const seen: { cookie: string | undefined; connection: string | undefined }[] = []
  const server = await listen((req, res) => {
    seen.push({ cookie: req.headers.cookie, connection: req.headers.connection })
    if (req.url === '/set') res.setHeader('set-cookie', ['n=1; Path=/', 'm=2'])
    if (req.url === '/redirect') res.writeHead(302, { location: '/elsewhere' })
    res.end('ok')
  })
  try {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const browser = new Browser(server.send)
    expect(await (await browser.request('/set')).text()).toBe('ok')
    expect(browser.jar.header).toBe('n=1; m=2')
    expect((await browser.request('/redirect')).status).toBe(302)
    await browser.request('/own', { headers: { cookie: 'own=1' } })
    expect(seen).toEqual([
      { cookie: undefined, connection: 'close' },
      { cookie: 'n=1; m=2', connection: 'close' },
      { cookie: 'own=1', connection: 'close' },
    ])
  } finally {
    await server.close()
  }
  await expect(server.close()).rejects.toThrow()
})

it('markdownCodeBlocks: the code of one section, up to the next heading of its level', () => {
  const dir = mkdtempSync(join(tmpdir(), 'testkit-readme-'))
  const file = join(dir, 'README.md')
  writeFileSync(
    file,
    [
      '# Title',
      '```ts',
      'outside()',
      '```',
      '## Testing',
      'Text.',
      '```ts',
      'one()',
      '',
      'two()',
      '```',
      '### A subsection',
      '```sh',
      'three',
      '```',
      '## Next',
      '```ts',
      'after()',
      '```',
    ].join('\n'),
  )
  try {
    expect(markdownCodeBlocks(file, '## Testing')).toEqual(['one()\n\ntwo()\n', 'three\n'])
    expect(() => markdownCodeBlocks(file, '## Missing')).toThrow(/no heading/)
  } finally {
    rmSync(dir, { recursive: true })
  }
})
