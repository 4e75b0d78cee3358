import { spawn } from 'node:child_process'

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

export interface RunOptions {
  cwd: string
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}

const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n')

/** Runs a command without a shell and collects its output; never throws (see `mustRun`). */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 120_000)
    const done = (code: number | null) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) })
    }
    child.on('error', (error) => {
      stderr += String(error)
      done(-1)
    })
    child.on('close', done)
  })
}

/**
 * Describes a finished command for a failure message: what ran, where, and the end of its output.
 */
export function describeRun(
  command: string,
  args: readonly string[],
  cwd: string,
  result: RunResult,
): string {
  return [
    `$ ${[command, ...args].join(' ')}`,
    `  in ${cwd}`,
    `  exit ${result.code} after ${result.ms} ms`,
    result.stdout.trim() && `--- stdout (end)\n${tail(result.stdout)}`,
    result.stderr.trim() && `--- stderr (end)\n${tail(result.stderr)}`,
  ]
    .filter(Boolean)
    .join('\n')
}

/** Runs a command and throws with its output when it exits non-zero. */
export async function mustRun(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const result = await run(command, args, options)
  if (result.code !== 0)
    throw new Error(`command failed\n${describeRun(command, args, options.cwd, result)}`)
  return result
}

/**
 * At most `size` CPU-heavy jobs at a time (tsc, servers): the machine may have two cores, and
 * running a dozen type-checks at once only makes each of them slower.
 */
export function createLimit(size: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0
  const waiting: Array<() => void> = []
  return async (job) => {
    if (active >= size) await new Promise<void>((resolve) => waiting.push(resolve))
    active++
    try {
      return await job()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
}
