"""A person at a browser without JavaScript, headless: opens the authorization URL the SDK hands
over, follows redirects with a cookie jar, fills in the sign-in form and ticks the scopes they
allow on the consent form, until the authorization server redirects to the client's redirect URI.
The pages are read as HTML forms (their actions and hidden fields), the way a browser would."""

from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx2
from mcp.shared.auth import AuthorizationCodeResult

MAX_STEPS = 20


class Forms(HTMLParser):
    """Every form on a page: its action, hidden fields, and the values of its `scope` checkboxes."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""), "hidden": {}, "scopes": []})
        elif tag == "input" and self.forms:
            kind, name = attributes.get("type", "text"), attributes.get("name", "")
            if kind == "hidden":
                self.forms[-1]["hidden"][name] = attributes.get("value", "")
            elif kind == "checkbox" and name == "scope":
                self.forms[-1]["scopes"].append(attributes.get("value", ""))

    def ending(self, suffix: str) -> dict[str, Any] | None:
        return next((form for form in self.forms if form["action"].endswith(suffix)), None)


class Person:
    def __init__(self, tenant: str, username: str, password: str, allow: list[str], redirect_uri: str) -> None:
        self.tenant, self.username, self.password, self.allow, self.redirect_uri = tenant, username, password, allow, redirect_uri
        # What the person saw, page by page (the test reads which scopes consent offered).
        self.pages: list[dict[str, Any]] = []

    async def authorize(self, authorization_url: str) -> AuthorizationCodeResult:
        async with httpx2.AsyncClient(follow_redirects=False, trust_env=False, timeout=httpx2.Timeout(15.0)) as browser:
            response = await browser.get(authorization_url)
            for _ in range(MAX_STEPS):
                if response.is_redirect:
                    location = urljoin(str(response.url), response.headers["location"])
                    if location.startswith(self.redirect_uri):
                        return self.callback(location)
                    response = await browser.get(location)
                    continue
                response = await self.submit(browser, response)
            raise RuntimeError(f"no redirect to {self.redirect_uri} after {MAX_STEPS} pages")

    async def submit(self, browser: httpx2.AsyncClient, page: httpx2.Response) -> httpx2.Response:
        forms = Forms()
        forms.feed(page.text)
        sign_in, consent = forms.ending("/sign-in"), forms.ending("/consent")
        if page.status_code == 200 and sign_in is not None:
            self.pages.append({"page": "sign-in", "url": urlsplit(str(page.url)).path})
            fields = {**sign_in["hidden"], "tenant": self.tenant, "username": self.username, "password": self.password}
            return await browser.post(urljoin(str(page.url), sign_in["action"]), data=fields)
        if page.status_code == 200 and consent is not None:
            allowed = [scope for scope in consent["scopes"] if scope in self.allow]
            self.pages.append({"page": "consent", "offered": consent["scopes"], "allowed": allowed})
            fields = {**consent["hidden"], "decision": "allow", "scope": allowed}
            return await browser.post(urljoin(str(page.url), consent["action"]), data=fields)
        raise RuntimeError(f"unexpected page {page.status_code} at {page.url}: {page.text[:1500]}")

    def callback(self, location: str) -> AuthorizationCodeResult:
        query = dict(parse_qsl(urlsplit(location).query))
        self.pages.append({"page": "callback", "params": sorted(query)})
        if "code" not in query:
            raise RuntimeError(f"the authorization server answered {query.get('error')}: {query.get('error_description')}")
        return AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))
