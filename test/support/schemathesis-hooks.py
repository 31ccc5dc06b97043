# Loaded by schemathesis (SCHEMATHESIS_HOOKS) in test/openapi-fuzz.system.spec.ts: every request
# gets a fresh X-Request-Id, which the platform records as the correlation id of the events the
# request appends, so that each appended event can be traced to the response of its request.
import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    case.headers = {**(case.headers or {}), "X-Request-Id": f"st-{uuid.uuid4()}"}
