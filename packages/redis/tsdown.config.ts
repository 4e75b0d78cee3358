import { defineConfig } from 'tsdown'
import { packageBuild } from '../../tsdown.base.ts'

// Core stays an import: it is a dependency, shared with the adapter in an app.
export default defineConfig(packageBuild({ index: 'src/index.ts' }, [/^@cookietin\//]))
