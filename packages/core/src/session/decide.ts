import type { SessionPayload } from '../formats/types.ts'
import type { SessionState } from './session.ts'

/**
 * What committing a session must do, and the payload JSON computed to decide it (reused to write).
 */
export type CommitDecision =
  | { action: 'none' }
  | { action: 'delete' }
  | { action: 'write'; json: string | undefined }

const NONE: CommitDecision = { action: 'none' }
const DELETE: CommitDecision = { action: 'delete' }

/**
 * Decides without crypto whether the session's cookie must be written, deleted or left alone:
 * written on a change, a regenerate, a stale key or a rolling read; deleted when destroyed or
 * emptied (a destroyed session written to again is written as a new one).
 */
export function decideCommit(
  state: SessionState,
  rolling: boolean,
  toJson: (payload: SessionPayload) => string,
): CommitDecision {
  const { payload } = state
  // A migrated session (`stale` until its first commit) has another library's cookies to delete.
  const migrating = state.stale && state.legacyCookies !== undefined
  const isEmpty = payload.flashes.length === 0 && isEmptyObject(payload.data)
  if (state.destroyed) {
    // Written after `destroy()` (a "logged out" flash): a new session replaces the deleted one.
    if (!isEmpty) return { action: 'write', json: undefined }
    return state.loadedCookies.length > 0 || migrating ? DELETE : NONE
  }
  // Every read and write goes through an accessor, so an untouched session cannot have changed;
  // comparing JSON also catches nested objects changed in place.
  let changed = false
  let json: string | undefined
  if (state.accessed) {
    if (state.loadedJson === undefined) changed = !isEmpty
    else {
      json = toJson(payload)
      changed = json !== state.loadedJson
    }
  }
  if (isEmpty && !state.regenerated) {
    // Flask's rule: a session emptied by the handler is deleted, not stored empty.
    return (changed && state.loadedCookies.length > 0) || migrating ? DELETE : NONE
  }
  return changed || state.regenerated || state.stale || (rolling && state.accessed)
    ? { action: 'write', json }
    : NONE
}

function isEmptyObject(data: object): boolean {
  for (const _ in data) return false
  return true
}
