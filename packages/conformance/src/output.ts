import { vi } from 'vitest'

/**
 * Runs `fn` and collects what it prints through `console` or straight to stdout/stderr, so a test
 * can check that an app warned. Run such scenarios one at a time: the capture is process-wide.
 */
export async function captureOutput<T>(
  fn: () => Promise<T>,
): Promise<{ result: PromiseSettledResult<T>; output: string }> {
  const lines: string[] = []
  const record = (...args: unknown[]) => {
    lines.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '))
  }
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation(record),
  )
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
        lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString())
        return write(chunk, ...rest)
      }) as never,
    )
  }
  let result: PromiseSettledResult<T>
  try {
    result = { status: 'fulfilled', value: await fn() }
  } catch (reason) {
    result = { status: 'rejected', reason }
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
  return { result, output: lines.join('\n') }
}

/** An error's message with those of its causes and aggregated errors. */
export function fullMessage(error: unknown, depth = 0): string {
  if (depth > 5 || error === null || error === undefined) return ''
  if (!(error instanceof Error)) return typeof error === 'string' ? error : JSON.stringify(error)
  const parts = [error.message]
  if (error.cause !== undefined) parts.push(fullMessage(error.cause, depth + 1))
  if (error instanceof AggregateError)
    for (const inner of error.errors) parts.push(fullMessage(inner, depth + 1))
  return parts.join(' <- ')
}
