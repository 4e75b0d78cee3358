import { defineConfig } from 'tsdown'
import { packageBuild } from '../../tsdown.base.ts'

// Core and cac stay imports: dependencies, installed next to the CLI. `bin` is the `cookietin` binary.
export default defineConfig(
  packageBuild({ index: 'src/index.ts', bin: 'src/bin.ts' }, [/^@cookietin\//, 'cac']),
)
