"""Login, session cookie and CSRF tokens of the trainers' web app.

The session is a signed cookie (HMAC-SHA256 with the app's secret), not a
server-side table: `nonce.ingelogd.tijd.handtekening`. Every visitor gets one,
also before logging in, so the login form has a CSRF token too; a successful
login issues a new nonce (no session fixation). The CSRF token is bound to the
session: HMAC(secret, "csrf:" + nonce), checked on every POST.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

COOKIE = "trainer_sessie"
CSRF_VELD = "csrf"  # the hidden form field
CSRF_HEADER = "X-CSRF-Token"  # the same token, for fetch() from static/training.js
GELDIGHEID = 8 * 3600  # seconds a session stays valid: one working day


@dataclass(frozen=True)
class Sessie:
    nonce: str
    ingelogd: bool
    tijd: int  # when issued, seconds since the epoch


def wachtwoord_klopt(gegeven: str, verwacht: str) -> bool:
    """Constant-time comparison, so timing does not reveal how much was right."""
    return hmac.compare_digest(gegeven.encode("utf-8"), verwacht.encode("utf-8"))


def _handtekening(geheim: bytes, inhoud: str) -> str:
    return hmac.new(geheim, inhoud.encode("utf-8"), hashlib.sha256).hexdigest()


def nieuwe_sessie(*, ingelogd: bool) -> Sessie:
    return Sessie(secrets.token_urlsafe(16), ingelogd, int(time.time()))


def cookie_waarde(geheim: bytes, sessie: Sessie) -> str:
    inhoud = f"{sessie.nonce}.{int(sessie.ingelogd)}.{sessie.tijd}"
    return f"{inhoud}.{_handtekening(geheim, inhoud)}"


def lees_cookie(geheim: bytes, waarde: str | None, *, nu: float | None = None) -> Sessie | None:
    """The session in a cookie, or None when it is missing, forged, broken or expired."""
    if not waarde or waarde.count(".") != 3:
        return None
    inhoud, handtekening = waarde.rsplit(".", 1)
    if not hmac.compare_digest(handtekening, _handtekening(geheim, inhoud)):
        return None
    nonce, ingelogd, tijd = inhoud.split(".")
    if not tijd.isdigit() or ingelogd not in ("0", "1"):
        return None
    if (nu if nu is not None else time.time()) - int(tijd) > GELDIGHEID:
        return None
    return Sessie(nonce, ingelogd == "1", int(tijd))


def csrf_token(geheim: bytes, sessie: Sessie) -> str:
    return _handtekening(geheim, f"csrf:{sessie.nonce}")


def csrf_klopt(geheim: bytes, sessie: Sessie | None, gegeven: str | None) -> bool:
    if sessie is None or not gegeven:
        return False
    return hmac.compare_digest(gegeven, csrf_token(geheim, sessie))
