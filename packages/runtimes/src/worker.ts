/**
 * Runs the suite on workerd (through miniflare): POST the phase's input as JSON, get the suite's
 * JSON lines back. Bundled whole by esbuild with the conditions a Workers bundler uses (`workerd`,
 * `worker`, `browser`, `import`, `default`), so core's `#crypto-backend` is the web one. Workers
 * have no server to start: the app is exercised through `app.request`, inside workerd.
 */
import type { SuiteInput, SuiteLine } from './plan.ts'
import { runSuite } from './suite.ts'

export default {
  async fetch(request: Request): Promise<Response> {
    const input = (await request.json()) as SuiteInput
    const lines: SuiteLine[] = []
    await runSuite({ runtime: 'workerd', version: navigator.userAgent }, input, (line) =>
      lines.push(line),
    )
    return new Response(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`, {
      headers: { 'Content-Type': 'application/x-ndjson' },
    })
  },
}
