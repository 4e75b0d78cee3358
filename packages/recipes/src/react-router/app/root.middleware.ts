// app/root.tsx (add to the root route module)
import { sessionMiddleware } from './session.server'

export const middleware = [sessionMiddleware]
