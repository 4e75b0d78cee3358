import { loadWorkspaceApp, runInterop } from '../src/interop.ts'

// Every app against every app (itself included), in every format: 3 formats x 3 x 3 pairs.
runInterop(['express', 'hono', 'koa'].map((name) => ({ name, load: () => loadWorkspaceApp(name) })))
