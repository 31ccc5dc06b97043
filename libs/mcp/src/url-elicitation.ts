/**
 * Thrown by a tool whose next step is a person's, on a page of the platform (e.g. deciding an
 * approval in the console): the endpoint sends the person there by URL elicitation, in the
 * revision's own way (an input_required result on 2026-07-28, JSON-RPC -32042 on 2025), and the
 * client calls the tool again afterwards, which then reads what the person did. Not an error of
 * the call: nothing was appended.
 */
export class UrlElicitationNeeded extends Error {
  constructor(
    /** Unique per thing to act on: the input request's key. */
    readonly key: string,
    /** Path on the platform's public URL, e.g. /console/approvals/<id>. */
    readonly path: string,
    /** What the person is asked to do there. */
    readonly ask: string,
  ) {
    super(ask);
  }
}
