// What `future: { v8_middleware: true }` in react-router.config.ts declares through typegen:
// loaders and actions get a RouterContextProvider as `context`.
import 'react-router'

declare module 'react-router' {
  interface Future {
    v8_middleware: true
  }
}
