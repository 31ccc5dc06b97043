"""The Python MCP SDK's OAuth client against a running Ledgerline, headless, start to end.

    oauth-client.py --server http://127.0.0.1:PORT/mcp --tenant acme --username alice \
        --grant "memory:read memory:write" [--client-metadata-url https://…/client.json] < password

Everything OAuth is the SDK's own (mcp.client.auth.OAuthClientProvider): protected-resource
discovery from the 401, authorization-server metadata, registration (by Client ID Metadata
Document when --client-metadata-url is given and the server supports it, else RFC 7591), PKCE,
the code exchange and the refresh when the access token expires. This script plays only the
person at the browser (person.py) and records what happened; it prints one JSON report on stdout
and leaves the judging to test/python-mcp-oauth.system.spec.ts. Exit 1 when a step raised (the
report then says which, and why).
"""

import argparse
import asyncio
import json
import sys
import time
import traceback
from importlib.metadata import version
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from person import Person


class RecordingStorage:
    """The SDK's TokenStorage, in memory, keeping every token set it was given (refreshes included)."""

    def __init__(self) -> None:
        self.tokens: list[tuple[float, OAuthToken]] = []
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens[-1][1] if self.tokens else None

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens.append((time.time(), tokens))

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info

    def seconds_until_expiry(self) -> float:
        received, token = self.tokens[-1]
        return received + float(token.expires_in or 0) - time.time()


class Run:
    def __init__(self, args: argparse.Namespace, password: str) -> None:
        self.args = args
        self.storage = RecordingStorage()
        self.person = Person(args.tenant, args.username, password, args.grant.split(), args.redirect_uri)
        self.http: list[dict[str, Any]] = []
        self.step = "connect"
        self.authorizations: list[dict[str, str]] = []
        # After revocation a new authorization is what the SDK should ask for; the person refuses.
        self.refuse_authorization = False
        self.refused = False
        self.pending: AuthorizationCodeResult | None = None

    async def log_response(self, response: httpx2.Response) -> None:
        request = response.request
        entry: dict[str, Any] = {"step": self.step, "method": request.method, "path": request.url.path, "status": response.status_code}
        if response.status_code >= 400 and request.url.path in ("/token", "/register"):
            # Read here (the SDK reads it again from the cache) to keep the OAuth error code.
            entry["error"] = json.loads(await response.aread()).get("error")
        self.http.append(entry)

    async def redirect_handler(self, authorization_url: str) -> None:
        self.authorizations.append(dict(parse_qsl(urlsplit(authorization_url).query)))
        if self.refuse_authorization:
            self.refused = True
            raise PermissionError("the SDK asked the person to authorize again")
        self.pending = await self.person.authorize(authorization_url)

    async def callback_handler(self) -> AuthorizationCodeResult:
        assert self.pending is not None, "callback without a redirect"
        result, self.pending = self.pending, None
        return result

    def tokens(self) -> list[dict[str, Any]]:
        return [
            {"access_token": t.access_token, "refresh_token": t.refresh_token, "expires_in": t.expires_in, "scope": t.scope, "token_type": t.token_type}
            for _, t in self.storage.tokens
        ]

    async def main(self, report: dict[str, Any]) -> None:
        try:
            await self.session(report)
        except BaseException as error:
            # The SDK runs its HTTP in the client's task group: an authorization that fails ends
            # the client, so the refused re-authorization after revocation arrives here.
            if not self.refused:
                raise
            report["sdk_after_revocation"] = {"raised": describe(error)}

    async def session(self, report: dict[str, Any]) -> None:
        args = self.args
        provider = OAuthClientProvider(
            server_url=args.server,
            client_metadata=OAuthClientMetadata(
                client_name="Ledgerline interop (Python mcp SDK)",
                redirect_uris=[args.redirect_uri],
                grant_types=["authorization_code", "refresh_token"],
                response_types=["code"],
                token_endpoint_auth_method="none",
            ),
            storage=self.storage,
            redirect_handler=self.redirect_handler,
            callback_handler=self.callback_handler,
            client_metadata_url=args.client_metadata_url,
        )
        # trust_env off: a proxy from the environment must not sit between the SDK and loopback.
        http = httpx2.AsyncClient(auth=provider, trust_env=False, timeout=httpx2.Timeout(30.0), event_hooks={"response": [self.log_response]})
        async with http, Client(streamable_http_client(args.server, http_client=http), mode=args.mode) as client:
            self.step = "tools"
            report["protocol_version"] = client.session.protocol_version
            report["tools"] = sorted(tool.name for tool in (await client.list_tools()).tools)
            put = await client.call_tool("memory_put", {"key": args.key, "value": {"said": "hello from Python"}})
            got = await client.call_tool("memory_get", {"key": args.key})
            report["put"] = {"is_error": put.is_error}
            report["got"] = {"is_error": got.is_error, "structured": got.structured_content}
            report["client_info"] = self.storage.client_info.model_dump(mode="json") if self.storage.client_info else None

            # The SDK refreshes before a request once its token's expires_in has passed.
            self.step = "refresh"
            await asyncio.sleep(max(0.0, self.storage.seconds_until_expiry()) + 0.3)
            again = await client.call_tool("memory_get", {"key": args.key})
            report["after_refresh"] = {"is_error": again.is_error, "structured": again.structured_content}

            self.step = "revoke"
            current = self.storage.tokens[-1][1]
            # The SDK does not revoke; the endpoint is the one its discovery found (RFC 8414 metadata).
            metadata = provider.context.oauth_metadata
            assert metadata is not None and metadata.revocation_endpoint is not None, "no revocation_endpoint discovered"
            async with httpx2.AsyncClient(trust_env=False) as plain:
                revoked = await plain.post(str(metadata.revocation_endpoint), data={"token": current.refresh_token or "", "client_id": self.storage.client_info.client_id if self.storage.client_info else ""})
                report["revocation"] = {"status": revoked.status_code}
                report["access_token_after_revocation"] = await self.poll_until_refused(plain, current.access_token)

            # Let the access token expire too: the SDK then tries its (revoked) refresh token,
            # meets the 401 and asks for a new authorization, which the person refuses.
            self.step = "after-revocation"
            self.refuse_authorization = True
            await asyncio.sleep(max(0.0, self.storage.seconds_until_expiry()) + 0.3)
            answer = await client.call_tool("memory_get", {"key": args.key})
            report["sdk_after_revocation"] = {"raised": None, "is_error": answer.is_error}

    async def poll_until_refused(self, plain: httpx2.AsyncClient, access_token: str) -> dict[str, Any]:
        """The revoked grant's access token at /mcp, asked every 50 ms until refused (at most 3 s)."""
        started = time.monotonic()
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "memory_list", "arguments": {}}}
        headers = {"authorization": f"Bearer {access_token}", "accept": "application/json, text/event-stream"}
        while True:
            response = await plain.post(self.args.server, json=body, headers=headers)
            if response.status_code == 401 or time.monotonic() - started > 3:
                return {"status": response.status_code, "after_ms": round((time.monotonic() - started) * 1000), "www_authenticate": response.headers.get("www-authenticate")}
            await asyncio.sleep(0.05)


def describe(error: BaseException) -> str:
    """An exception and its causes and group members, one line each (anyio wraps task errors in groups)."""
    lines = [f"{type(error).__name__}: {error}"]
    for inner in getattr(error, "exceptions", ()) or ():
        lines.append(describe(inner))
    if error.__cause__ is not None:
        lines.append(describe(error.__cause__))
    return "\n".join(lines)


async def amain() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="the MCP endpoint, http://host:port/mcp")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--grant", required=True, help="the scopes the person allows on the consent page, space-separated")
    parser.add_argument("--redirect-uri", default="http://127.0.0.1:53682/callback")
    parser.add_argument("--client-metadata-url", default=None)
    parser.add_argument("--key", default="python-interop")
    parser.add_argument("--mode", default="auto", help="the SDK's connect mode: auto (probe server/discover, fall back) or legacy")
    args = parser.parse_args()
    password = sys.stdin.readline().rstrip("\n")
    run = Run(args, password)
    report: dict[str, Any] = {"sdk": {"mcp": version("mcp"), "httpx2": version("httpx2")}, "registration": "cimd" if args.client_metadata_url else "dcr"}
    code = 0
    try:
        await run.main(report)
    except BaseException as error:  # noqa: BLE001 - reported, then exit 1
        report["error"] = {"step": run.step, "raised": describe(error), "traceback": traceback.format_exc()}
        code = 1
    report["authorizations"] = run.authorizations
    report["person"] = run.person.pages
    report["tokens"] = run.tokens()
    report["http"] = run.http
    print(json.dumps(report, indent=2))
    return code


if __name__ == "__main__":
    sys.exit(asyncio.run(amain()))
