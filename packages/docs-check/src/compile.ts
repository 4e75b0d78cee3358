/**
 * Compiles each sample as its own project, the way a reader's project would: `index.ts` in a folder
 * of a temporary project whose `node_modules` are this package's (the built workspace packages, the
 * frameworks and their types), under `tsc --strict` with `module: nodenext`. One program per
 * sample, because a sample's `declare module` augmentation must not leak into the next one; the
 * declaration files every program shares are parsed once.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import type { CodeBlock } from './extract.ts'

/**
 * What `tsc --init` writes today, minus what only concerns emit: strict, plus the checks a careful
 * project turns on. A sample that compiles here compiles in a laxer project too.
 */
const SAMPLE_COMPILER_OPTIONS = {
  strict: true,
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2022',
  types: ['node'],
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
} as const

/** This package's node_modules: the packages a sample may import. */
const MODULES = fileURLToPath(new URL('../node_modules', import.meta.url))

interface SampleDiagnostic {
  /** 1-based line and column in the Markdown file. */
  line: number
  column: number
  code: number
  message: string
}

export interface SampleResult {
  /** The sample's project folder, to reproduce with `tsc -p`. */
  dir: string
  diagnostics: SampleDiagnostic[]
}

/** A temporary project holding one folder per sample; `dispose()` removes it. */
export function createSampleProject() {
  const base = mkdtempSync(join(tmpdir(), 'cookietin-docs-'))
  symlinkSync(MODULES, join(base, 'node_modules'), 'dir')
  writeFileSync(
    join(base, 'package.json'),
    `${JSON.stringify({ name: 'cookietin-docs-samples', private: true, type: 'module' }, null, 2)}\n`,
  )
  const parsed = ts.convertCompilerOptionsFromJson(SAMPLE_COMPILER_OPTIONS, base)
  if (parsed.errors.length > 0)
    throw new Error(ts.formatDiagnostics(parsed.errors, ts.createCompilerHost({})))
  const options = parsed.options
  const host = ts.createCompilerHost(options)
  const readSourceFile = host.getSourceFile.bind(host)
  // Library and package declarations are the same for every sample: parse each once.
  const shared = new Map<string, ts.SourceFile | undefined>()
  host.getSourceFile = (fileName, version, onError, shouldCreate) => {
    if (fileName.startsWith(base) && !fileName.includes('/node_modules/'))
      return readSourceFile(fileName, version, onError, shouldCreate)
    const format = typeof version === 'object' ? version.impliedNodeFormat : undefined
    const key = `${String(format)}:${fileName}`
    if (!shared.has(key)) shared.set(key, readSourceFile(fileName, version, onError, shouldCreate))
    return shared.get(key)
  }

  let count = 0
  return {
    base,

    /** Writes the sample into a folder of its own and type-checks it. */
    check(block: CodeBlock): SampleResult {
      const slug = `${block.file.replace(/[^A-Za-z0-9]+/g, '-')}-line-${block.line}`
      const dir = join(base, `${String(++count).padStart(2, '0')}-${slug}`)
      mkdirSync(dir)
      const file = join(dir, 'index.ts')
      writeFileSync(file, block.code)
      writeFileSync(
        join(dir, 'tsconfig.json'),
        `${JSON.stringify({ compilerOptions: SAMPLE_COMPILER_OPTIONS, files: ['index.ts'] }, null, 2)}\n`,
      )
      const program = ts.createProgram({ rootNames: [file], options, host })
      const source = program.getSourceFile(file)
      const diagnostics = ts.getPreEmitDiagnostics(program, source).map((diagnostic) => {
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
        const where =
          diagnostic.file === source && source && diagnostic.start !== undefined
            ? source.getLineAndCharacterOfPosition(diagnostic.start)
            : { line: -1, character: -1 }
        return {
          // The code starts on the line after the opening fence.
          line: where.line < 0 ? block.line : block.line + 1 + where.line,
          column: where.character + 1,
          code: diagnostic.code,
          message,
        }
      })
      return { dir, diagnostics }
    },

    dispose(): void {
      rmSync(base, { recursive: true, force: true })
    },
  }
}

/** `docs/sessions.md:12:5 TS2304 Cannot find name 'request'.`, one per line. */
export function formatDiagnostics(block: CodeBlock, result: SampleResult): string {
  return result.diagnostics
    .map(
      (diagnostic) =>
        `${block.file}:${diagnostic.line}:${diagnostic.column} TS${diagnostic.code} ${diagnostic.message}`,
    )
    .join('\n')
}
