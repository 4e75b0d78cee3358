import { loadWorkspaceApp, runInterop } from '../src/interop.ts'

// Every app against every app (itself included), in every format: 3 formats x 5 x 5 pairs.
runInterop(
  ['express', 'hono', 'koa', 'fastify', 'fetch'].map((name) => ({
    name,
    load: () => loadWorkspaceApp(name),
  })),
)
