import { defineConfig } from 'tsdown'
import { packageBuild } from '../../tsdown.base.ts'

// Core stays an import: it is a dependency, shared by every adapter in an app.
export default defineConfig(packageBuild({ index: 'src/index.ts' }, [/^@cookietin\//]))
