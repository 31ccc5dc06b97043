import { ConflictError, IllegalStateError } from '#core';

/**
 * The live view is not at the code's version (or not built at all): the platform rebuilds such a
 * view in place when it starts, and an online rebuild would switch in rows of another shape.
 */
export class LiveVersionMismatchError extends IllegalStateError {
  constructor(projection: string, liveVersion: number | undefined, codeVersion: number) {
    super(
      'projections.rebuild.version_mismatch',
      liveVersion === undefined
        ? `projection ${projection} has no live view yet: start the platform, which builds it`
        : `projection ${projection} is live at version ${liveVersion}, the code is at version ${codeVersion}: start the platform, which rebuilds it`,
      { projection, liveVersion: liveVersion ?? null, codeVersion },
    );
  }
}

/** A shadow of another tenant scope is half built; it is resumed with the same scope, or dropped with `restart`. */
export class OtherRebuildPendingError extends ConflictError {
  constructor(projection: string, pendingScope: string) {
    super(
      'projections.rebuild.other_scope_pending',
      `projection ${projection} has an unfinished rebuild of ${pendingScope === '' ? 'all tenants' : `tenant ${pendingScope}`}: resume it with the same scope, or restart`,
      { projection, pendingScope: pendingScope === '' ? null : pendingScope },
    );
  }
}
