type Writer = (chunk: unknown, ...rest: unknown[]) => boolean

/**
 * Runs `fn` and collects what it prints through `console` or straight to stdout/stderr, so a test can
 * check that an app warned. Run such scenarios one at a time: the capture is process-wide.
 */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; output: string }> {
  const lines: string[] = []
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const
  const saved = methods.map((method) => console[method])
  const savedOut = process.stdout.write
  const savedErr = process.stderr.write
  const record = (...args: unknown[]) => {
    lines.push(args.map((arg) => (arg instanceof Error ? `${arg.message}` : String(arg))).join(' '))
  }
  for (const method of methods) console[method] = record
  const tee = (original: Writer): Writer =>
    function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString())
      return original.call(this, chunk, ...rest)
    }
  process.stdout.write = tee(savedOut as Writer) as typeof process.stdout.write
  process.stderr.write = tee(savedErr as Writer) as typeof process.stderr.write
  let result: PromiseSettledResult<T>
  try {
    result = { status: 'fulfilled', value: await fn() }
  } catch (reason) {
    result = { status: 'rejected', reason }
  } finally {
    methods.forEach((method, index) => (console[method] = saved[index] as (typeof console)[typeof method]))
    process.stdout.write = savedOut
    process.stderr.write = savedErr
  }
  return { result, output: lines.join('\n') }
}

/** An error's message with those of its causes and aggregated errors. */
export function fullMessage(error: unknown, depth = 0): string {
  if (depth > 5 || error === null || error === undefined) return ''
  if (!(error instanceof Error)) return String(error)
  const parts = [error.message]
  if (error.cause !== undefined) parts.push(fullMessage(error.cause, depth + 1))
  if (error instanceof AggregateError) for (const inner of error.errors) parts.push(fullMessage(inner, depth + 1))
  return parts.join(' <- ')
}
