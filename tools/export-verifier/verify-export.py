#!/usr/bin/env python3
"""An independent verifier of ledgerline-export/1 files, written from docs/export-format.md alone.

    verify-export.py FILE --key TRUSTED_KEY

TRUSTED_KEY is a JWKS (as GET /.well-known/ledgerline-export-keys serves it) or an SPKI PEM
Ed25519 public key. Exit code 0: valid; 1: invalid (the first broken line and why on stderr);
2: the command could not run (bad arguments, unreadable key).
Needs Python 3.11+ and the `cryptography` package (tools/export-verifier/requirements.txt).
"""
import argparse
import base64
import binascii
import gzip
import hashlib
import json
import math
import re
import sys
import zlib
from decimal import Decimal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

FORMAT = "ledgerline-export/1"
GENESIS = "0" * 64
HASH = re.compile(r"[0-9a-f]{64}")
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
B64URL = re.compile(r"[A-Za-z0-9_-]*")
MAX_POSITION = 2**53 - 1


class Invalid(Exception):
    """The file is not a valid export; the message says why."""


# --- RFC 8785 canonical JSON (section 3) ---------------------------------------------------

def jcs(value) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return jcs_number(value)
    if isinstance(value, str):
        return jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(jcs_string(key) + ":" + jcs(value[key]) for key in keys) + "}"
    raise Invalid(f"not a JSON value: {value!r}")


def jcs_number(x: float) -> str:
    """ECMAScript Number.prototype.toString, from the shortest round-trip digits (repr)."""
    if not math.isfinite(x):
        raise Invalid("a number that is not finite")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + jcs_number(-x)
    sign, digits, exponent = Decimal(repr(x)).normalize().as_tuple()
    d = "".join(map(str, digits))
    k, n = len(d), len(d) + exponent  # x = 0.d * 10**n
    if k <= n <= 21:
        return d + "0" * (n - k)
    if 0 < n <= 21:
        return d[:n] + "." + d[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + d
    e = n - 1
    mantissa = d if k == 1 else d[0] + "." + d[1:]
    return f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"


ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def jcs_string(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# --- strict line shapes (section 2) --------------------------------------------------------

def is_int(v) -> bool:
    return isinstance(v, float) and v.is_integer()


def is_position(v) -> bool:
    return is_int(v) and 1 <= v <= MAX_POSITION


def is_hash(v) -> bool:
    return isinstance(v, str) and HASH.fullmatch(v) is not None


def is_instant(v) -> bool:
    return isinstance(v, str) and INSTANT.fullmatch(v) is not None


def is_range(v) -> bool:
    return isinstance(v, dict) and set(v) <= {"since", "until"} and all(map(is_instant, v.values()))


def is_export_position(v) -> bool:
    return isinstance(v, dict) and set(v) == {"tenantPosition", "globalPosition"} and all(map(is_position, v.values()))


def is_counts(v) -> bool:
    return (isinstance(v, dict) and {"events", "byType", "viewRows"} <= set(v) <= {"events", "byType", "viewRows", "archived", "elided"}
            and is_int(v["events"]) and v["events"] >= 0 and is_int(v["viewRows"]) and v["viewRows"] >= 0
            and isinstance(v["byType"], dict) and all(is_int(n) and n >= 1 for n in v["byType"].values())
            and all(is_int(v[k]) and v[k] >= 1 for k in ("archived", "elided") if k in v))


def shape(obj, what: str, members: dict, optional: dict = {}) -> None:
    """Exactly `members` (and perhaps `optional`), each passing its check."""
    extra = set(obj) - set(members) - set(optional)
    missing = set(members) - set(obj)
    if extra or missing:
        raise Invalid(f"bad {what}: members {sorted(extra)} not allowed, {sorted(missing)} missing")
    for name, check in {**members, **optional}.items():
        if name in obj and not check(obj[name]):
            raise Invalid(f"bad {what}: {name} is {json.dumps(obj[name])[:80]}")


string = lambda v: isinstance(v, str)  # noqa: E731
nonempty = lambda v: isinstance(v, str) and v != ""  # noqa: E731
any_json = lambda v: True  # noqa: E731
HEADER = {"kind": any_json, "format": lambda v: v == FORMAT, "tenantId": nonempty, "createdAt": is_instant, "range": is_range, "chainStart": is_hash, "includesViews": lambda v: isinstance(v, bool)}
EVENT = {"globalPosition": is_position, "tenantId": string, "tenantPosition": is_position, "streamId": string, "streamVersion": is_position,
         "eventId": string, "type": string, "schemaVersion": is_int, "data": any_json, "metadata": lambda v: isinstance(v, dict), "recordedAt": string, "hash": is_hash}
STUB = {"kind": any_json, "tenantPosition": is_position, "globalPosition": is_position, "streamId": string, "streamVersion": is_position, "hash": is_hash}
VIEW = {"kind": any_json, "projection": string, "table": string, "row": lambda v: isinstance(v, dict)}
MANIFEST = {"format": lambda v: v == FORMAT, "tenantId": string, "createdAt": is_instant, "range": is_range, "counts": is_counts,
            "first": lambda v: v is None or is_export_position(v), "last": lambda v: v is None or is_export_position(v),
            "chainStart": is_hash, "chainHead": is_hash, "contentSha256": is_hash, "keyId": nonempty}


# --- keys and signatures (sections 7 and 8) ------------------------------------------------

def b64url_decode(text: str, what: str, length: int) -> bytes:
    """Only the canonical unpadded text: re-encoding the bytes must give it back."""
    if not isinstance(text, str) or not B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise Invalid(f"{what} is not unpadded base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(raw) != text:
        raise Invalid(f"{what} is not canonical base64url (its unused trailing bits are not zero)")
    if len(raw) != length:
        raise Invalid(f"{what} holds {len(raw)} bytes, not {length}")
    return raw


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def thumbprint(x: str) -> str:
    return b64url(hashlib.sha256(jcs({"crv": "Ed25519", "kty": "OKP", "x": x}).encode()).digest())


def trusted_keys(text: str) -> dict:
    """keyId (computed, never read from a kid) -> public key."""
    if text.lstrip().startswith("{"):
        jwks = json.loads(text)
        listed = jwks.get("keys") if isinstance(jwks, dict) else None
        if not isinstance(listed, list):
            raise ValueError('not a JWKS: no "keys" array')
        xs = [jwk.get("x") for jwk in listed if isinstance(jwk, dict) and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519"]
        keys = {thumbprint(x): Ed25519PublicKey.from_public_bytes(b64url_decode(x, "a trusted key's x", 32)) for x in xs}
    else:
        key = load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not Ed25519")
        keys = {thumbprint(b64url(key.public_bytes(Encoding.Raw, PublicFormat.Raw))): key}
    if not keys:
        raise ValueError("no Ed25519 key in the trusted key file")
    return keys


# --- the checks, in the order of section 9 -------------------------------------------------

def not_json(constant: str):
    raise Invalid(f"not JSON ({constant} is not a JSON number)")


def parse_line(raw: bytes) -> dict:
    try:
        line = json.loads(raw.decode("utf-8"), parse_int=float, parse_constant=not_json)
    except UnicodeDecodeError:
        raise Invalid("not UTF-8")
    except json.JSONDecodeError as error:
        raise Invalid(f"not JSON ({error.msg})")
    if not isinstance(line, dict):
        raise Invalid("not a JSON object")
    return line


class Verifier:
    def __init__(self, keys: dict):
        self.keys = keys
        self.header = None
        self.in_views = False
        self.previous = None
        self.last_position = None
        self.first = self.last = None
        self.counts = {"events": 0.0, "byType": {}, "viewRows": 0.0}
        self.content = hashlib.sha256()
        self.manifest = None

    def line(self, raw: bytes) -> None:
        if self.manifest is not None:
            raise Invalid("a line after the manifest")
        line = parse_line(raw)
        kind = line.get("kind")
        if self.header is None:
            if kind != "header":
                raise Invalid("the first line must be the header")
            shape(line, "header", HEADER)
            self.header, self.previous = line, line["chainStart"]
        elif kind in ("event", "archived", "elided"):
            self.chain_line(kind, line)
        elif kind == "view":
            self.view(line)
        elif kind == "manifest":
            return self.check_manifest(line)
        else:
            raise Invalid(f"unexpected line kind {json.dumps(kind)}")
        self.content.update(raw + b"\n")

    def chain_line(self, kind: str, line: dict) -> None:
        if self.in_views:
            raise Invalid("a chain line after the view lines")
        if kind == "event":
            shape(line, "event line", {"kind": any_json, "event": lambda v: isinstance(v, dict)}, {"opened": any_json})
            link = line["event"]
            shape(link, "event", EVENT)
            if link["tenantId"] != self.header["tenantId"]:
                raise Invalid(f"an event of tenant {link['tenantId']} in the export of tenant {self.header['tenantId']}")
        else:
            shape(line, f"{kind} line", STUB)
            link = line
        position = link["tenantPosition"]
        if self.last_position is None and self.header["chainStart"] == GENESIS and position != 1:
            raise Invalid(f"the chain starts at genesis but the first line is tenantPosition {jcs(position)}")
        if self.last_position is not None and position != self.last_position + 1:
            raise Invalid(f"tenantPosition {jcs(position)} does not follow {jcs(self.last_position)}: a line is missing or out of order")
        if kind == "event":
            envelope = {name: value for name, value in link.items() if name not in ("globalPosition", "hash")}
            expected = hashlib.sha256(bytes.fromhex(self.previous) + jcs(envelope).encode("utf-8", "surrogatepass")).hexdigest()
            if expected != link["hash"]:
                raise Invalid(f"event at tenantPosition {jcs(position)} does not match its hash")
            self.counts["events"] += 1
            self.counts["byType"][link["type"]] = self.counts["byType"].get(link["type"], 0.0) + 1
        else:
            self.counts[kind] = self.counts.get(kind, 0.0) + 1
        self.previous, self.last_position = link["hash"], position
        self.last = {"tenantPosition": position, "globalPosition": link["globalPosition"]}
        self.first = self.first or self.last

    def view(self, line: dict) -> None:
        if not self.header["includesViews"]:
            raise Invalid("a view line, but the header says the export has no views")
        shape(line, "view line", VIEW)
        if line["row"].get("tenant_id") != self.header["tenantId"]:
            raise Invalid("a view row of another tenant")
        self.in_views = True
        self.counts["viewRows"] += 1

    def check_manifest(self, line: dict) -> None:
        shape(line, "manifest line", {"kind": any_json, "manifest": lambda v: isinstance(v, dict), "signature": string})
        manifest = line["manifest"]
        shape(manifest, "manifest", MANIFEST)
        header = self.header
        for name, found in [("tenantId", header["tenantId"]), ("createdAt", header["createdAt"]), ("range", header["range"]),
                            ("chainStart", header["chainStart"]), ("counts", self.counts), ("first", self.first), ("last", self.last),
                            ("chainHead", self.previous), ("contentSha256", self.content.hexdigest())]:
            if jcs(manifest[name]) != jcs(found):
                raise Invalid(f"manifest {name} is {jcs(manifest[name])}, the file has {jcs(found)}")
        key = self.keys.get(manifest["keyId"])
        if key is None:
            raise Invalid(f"signed with key {manifest['keyId']}, which is not trusted")
        signature = b64url_decode(line["signature"], "the signature", 64)
        try:
            key.verify(signature, jcs(manifest).encode("utf-8", "surrogatepass"))
        except InvalidSignature:
            raise Invalid("the signature does not verify with the trusted key")
        self.manifest = manifest


def verify(path: str, keys: dict) -> Verifier:
    verifier = Verifier(keys)
    number = 0
    try:
        with gzip.open(path, "rb") as content:
            for number, raw in enumerate(content, start=1):
                if not raw.endswith(b"\n"):
                    raise Invalid("the file ends inside this line (cut short)")
                verifier.line(raw[:-1])
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise Invalid(f"line {number + 1}: the gzip stream is damaged or cut short ({error})")
    except Invalid as error:
        raise Invalid(f"line {number}: {error}")
    if verifier.manifest is None:
        raise Invalid(f"line {number + 1}: no manifest: the file ends after line {number}")
    return verifier


def main() -> int:
    parser = argparse.ArgumentParser(description="Verify a ledgerline-export/1 file against a trusted Ed25519 key.")
    parser.add_argument("file")
    parser.add_argument("--key", required=True, help="a JWKS or an SPKI PEM Ed25519 public key")
    args = parser.parse_args()
    try:
        with open(args.key, encoding="utf-8") as key_file:
            keys = trusted_keys(key_file.read())
    except (OSError, ValueError, Invalid) as error:
        print(f"cannot use the trusted key {args.key}: {error}", file=sys.stderr)
        return 2
    try:
        verifier = verify(args.file, keys)
    except OSError as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    except Invalid as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 1
    m = verifier.manifest
    print(f"valid: {int(m['counts']['events'])} events of tenant {m['tenantId']}, chain head {m['chainHead']}, key {m['keyId']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
