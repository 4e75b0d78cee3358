import { defineConfig } from 'tsdown'
import { packageBuild } from '../../tsdown.base.ts'

export default defineConfig(
  packageBuild(
    {
      index: 'src/index.ts',
      flask: 'src/flask.ts',
      migrate: 'src/migrate.ts',
      testing: 'src/testing.ts',
      'backend.node': 'src/crypto/backend.node.ts',
      'backend.web': 'src/crypto/backend.web.ts',
    },
    // The back-end is chosen by the consumer's export conditions at run time, never at build time:
    // `#crypto-backend` must stay an import in dist (test/noNodeImports.test.ts checks it).
    // `testing` imports core by its own name (`@cookietin/core`, `/flask`), so it shares the app's copy of
    // core instead of splitting the other entries into shared chunks.
    ['#crypto-backend', /^@cookietin\/core(\/|$)/],
  ),
)
