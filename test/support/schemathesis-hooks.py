# Loaded by schemathesis (SCHEMATHESIS_HOOKS) in test/openapi-fuzz.system.spec.ts: every request
# gets a fresh X-Request-Id, which the platform records as the correlation id of the events the
# request appends, so that each appended event can be traced to the response of its request.
import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers if case.headers is not None else {}
    headers["X-Request-Id"] = f"st-{uuid.uuid4()}"
    # Added behind schemathesis' back (4.32): an edit it sees makes it revalidate the case, relabel a
    # negative one ("Authorization missing") as positive and send the CLI's Authorization after all.
    object.__setattr__(case, "headers", headers)
    case._sync_validated_hashes()
