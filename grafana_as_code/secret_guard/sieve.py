"""Which scanner lines no detector can fire on: a cheap, exact pre-check, so that detect-secrets sees only the rest.

A synth hands the scanner tens of thousands of distinct lines (``"title": "Requests"``, ``"expr": "sum(rate(…))"``);
detect-secrets costs ~100 µs a line (26 detectors, then its filters) and almost none of them can hold a secret. Each
detector below is listed with what every line it fires on necessarily contains, read from its patterns in
detect-secrets 1.5.0 (``detect_secrets/plugins/*.py``, quoted beside it). A line that contains none of them is
skipped: no detector could report it, so the filters that run after the detectors could only have removed findings,
never added one. A line that contains one is scanned in full, exactly as before (the sieve only decides *whether*).

The conditions (``Needs``) are necessary, not sufficient, and never tighter than the detector:
* ``words``: case-insensitive literals every match contains, looked for in the lower-cased line. That equals Python's
  ``re.IGNORECASE`` for ASCII text only, and scanner lines are ASCII (``json.dumps`` escapes everything else): a line
  that is not is scanned in full;
* ``markers``: patterns every match contains;
* ``shapes``: patterns every match contains, each holding a run of ``LONG`` characters of ``RUN`` (letters, digits,
  ``+/=_-\\``), so they are tried only on lines with such a run;
* ``varied``, for the entropy detectors: a quoted run of their alphabet whose Shannon entropy is above the limit. Over
  ``k`` distinct symbols the entropy is at most log2(k) (the hex detector only lowers it, for numbers), so the run
  holds more than 2**limit distinct characters: 23 for base64 (limit 4.5), 9 for hex (limit 3.0).

``SIEVED_FOR`` is the detect-secrets version these were read from; with another one installed nothing is skipped
(a test then asks to read the patterns again).
"""
from __future__ import annotations

import importlib.util
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SIEVED_FOR = "1.5.0"
# Every shape holds a run of LONG characters of RUN (its own characters are among them).
RUN = r"[A-Za-z0-9+/=_\\-]"
LONG = 20
# The entropy detectors' alphabets (detect_secrets/plugins/high_entropy_strings.py).
BASE64 = string.ascii_letters + string.digits + "+/" + "\\-_" + "="
HEX = string.hexdigits


@dataclass(frozen=True)
class Needs:
    """What every line a detector fires on contains: any one of these."""

    words: tuple[str, ...] = ()  # lower-case literals, found in the lower-cased line
    markers: tuple[str, ...] = ()  # patterns
    shapes: tuple[str, ...] = ()  # patterns, each holding a run of LONG characters of RUN
    varied: tuple[str, int] | None = None  # a run of this alphabet with at least this many distinct characters


NEEDS: dict[str, Needs] = {
    # (?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}; aws.{0,20}?(?:key|…).{0,20}?['"]([0-9a-zA-Z/+]{40})['"] (ci)
    "AWSKeyDetector": Needs(shapes=(r"[0-9A-Z]{20}", r"(?i:[0-9a-z/+]{40})")),
    # (?:\s|=|:|"|^)AKC[a-zA-Z0-9]{10,}(?:\s|"|$); (?:\s|=|:|"|^)AP[\dABCDEF][a-zA-Z0-9]{8,}(?:\s|"|$)
    "ArtifactoryDetector": Needs(markers=(r"AKC[a-zA-Z0-9]{10}", r"AP[\dABCDEF][a-zA-Z0-9]{8}")),
    # AccountKey=[a-zA-Z0-9+\/=]{88}
    "AzureStorageKeyDetector": Needs(words=("accountkey=",)),
    # ://[^{reserved}\s]+:([^{reserved}\s]+)@ (no whitespace between :// and @)
    "BasicAuthDetector": Needs(markers=(r"://\S*@",)),
    # (?:cloudant|cl|clou)…(key|pwd|…) … ([0-9a-f]{64}) or ([a-z]{24}), and the same secrets in cloudant.com URLs (ci)
    "CloudantDetector": Needs(shapes=(r"(?i:[0-9a-f]{64})", r"(?i:[a-z]{24})")),
    # [MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}
    "DiscordBotTokenDetector": Needs(shapes=(r"[MNO][a-zA-Z\d_-]{23}",)),
    # (ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}
    "GitHubTokenDetector": Needs(shapes=(r"gh[pousr]_[A-Za-z0-9_]{36}",)),
    # (glpat|gldt|glft|glsoat|glrt)-[…]{20,50}, GR1348941[…]{20,50}, glcbt-…{20,50}, glimt-…{25}, glptt-…{40},
    # glagent-…{50,1024}, gloas-…{64}: each a prefix, then at least 20 of [A-Za-z0-9_\-]
    "GitLabTokenDetector": Needs(shapes=(r"(?:gl[a-z]+-|GR1348941)[A-Za-z0-9_\-]{20}",)),
    # a quoted run of hex digits with a Shannon entropy above 3.0: more than 2**3 distinct characters
    "HexHighEntropyString": Needs(varied=(HEX, 9)),
    # …(key|pwd|password|pass|token)… ([a-zA-Z0-9_\-]{44}(?![a-zA-Z0-9_\-])) (ci)
    "IbmCloudIamDetector": Needs(shapes=(r"(?i:[a-z0-9_\-]{44})",)),
    # (?:(?:ibm)?[-_]?cos[-_]?(?:hmac)?|)(-|_|)(?:secret[-_]?(?:access)?[-_]?key) … ([a-f0-9]{48}) (ci)
    "IbmCosHmacDetector": Needs(words=("secret",)),
    # eyJ[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.?…
    "JwtTokenDetector": Needs(markers=(r"eyJ",)),
    # DENYLIST (ci): api_?key … key_?pass, password, passwd, pwd, secret, contraseña, contrasena
    "KeywordDetector": Needs(words=("key", "pass", "pwd", "secret", "contrase")),
    # [0-9a-z]{32}-us[0-9]{1,2}
    "MailchimpDetector": Needs(shapes=(r"[0-9a-z]{32}-us",)),
    # \/\/.+\/:_authToken=\s*((npm_.+)|([A-Fa-f0-9-]{36})).*
    "NpmDetector": Needs(markers=(r"/:_authToken=",)),
    # sk-[A-Za-z0-9-_]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}
    "OpenAIDetector": Needs(shapes=(r"[A-Za-z0-9]{20}T3BlbkFJ",)),
    # BEGIN DSA PRIVATE KEY, … BEGIN PRIVATE KEY, … PuTTY-User-Key-File-2 (case-sensitive: the words are wider)
    "PrivateKeyDetector": Needs(words=("private key", "putty-user-key-file-2")),
    # pypi-AgEIcHlwaS5vcmc[A-Za-z0-9-_]{70,}; pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9-_]{70,}
    "PypiTokenDetector": Needs(shapes=(r"pypi-AgE[A-Za-z0-9]{12}",)),
    # SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}
    "SendGridDetector": Needs(shapes=(r"\.[a-zA-Z0-9_-]{43}",)),
    # xox(?:a|b|p|o|s|r)-(?:\d+-)+[a-z0-9]+ (ci); https://hooks\.slack\.com/services/T…/B…/… (ci)
    "SlackDetector": Needs(words=("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-",
                                  "https://hooks.slack.com/services/t")),
    # …(key|pwd|password|pass|token)… ([a-z0-9]{64}); https?://api.softlayer.com/soap/(?:v3|v3.1)/([a-z0-9]{64}) (ci)
    "SoftlayerDetector": Needs(shapes=(r"(?i:[a-z0-9]{64})",)),
    # sq0csp-[0-9A-Za-z\\\-_]{43}
    "SquareOAuthDetector": Needs(markers=(r"sq0csp-",)),
    # (?:r|s)k_live_[0-9a-zA-Z]{24}
    "StripeDetector": Needs(shapes=(r"k_live_[0-9a-zA-Z]{24}",)),
    # \d{8,10}:[0-9A-Za-z_-]{35}
    "TelegramBotTokenDetector": Needs(shapes=(r":[0-9A-Za-z_-]{35}",)),
    # AC[a-z0-9]{32}; SK[a-z0-9]{32}
    "TwilioKeyDetector": Needs(shapes=(r"(?:AC|SK)[a-z0-9]{32}",)),
    # a quoted run of base64 characters with a Shannon entropy above 4.5: more than 2**4.5 distinct characters
    "Base64HighEntropyString": Needs(varied=(BASE64, 23)),
}


def _either(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(patterns)) if patterns else None


class Sieve:
    """The needs of some detectors, compiled: one pass over a line for the lot."""

    def __init__(self, needs: dict[str, Needs]) -> None:
        self.words = tuple(word for need in needs.values() for word in need.words)
        self.markers = _either([marker for need in needs.values() for marker in need.markers])
        self.shapes = _either([shape for need in needs.values() for shape in need.shapes])
        self.long_run = re.compile(f"{RUN}{{{LONG}}}")
        self.varied = [(re.compile(f"[{re.escape(alphabet)}]{{{distinct},}}"), distinct)
                       for alphabet, distinct in (need.varied for need in needs.values() if need.varied)]

    def may_hold_secret(self, line: str) -> bool:
        """False only when none of the detectors can fire on ``line``."""
        if not line.isascii():
            return True  # the lower-cased comparison of words is exact for ASCII only: scan it in full
        lower = line.lower()
        if any(word in lower for word in self.words):
            return True
        if self.markers is not None and self.markers.search(line):
            return True
        if any(len(set(run)) >= distinct for pattern, distinct in self.varied for run in pattern.findall(line)):
            return True
        return self.shapes is not None and bool(self.long_run.search(line)) and bool(self.shapes.search(line))


SIEVE = Sieve(NEEDS)


@lru_cache(maxsize=1)
def installed_version() -> str:
    """The installed detect-secrets' version, read from its ``__version__.py`` without importing it (that costs
    ~0.2 s: it loads ``requests``)."""
    spec = importlib.util.find_spec("detect_secrets")
    if spec is None or spec.origin is None:
        return ""
    text = (Path(spec.origin).parent / "__version__.py").read_text(encoding="utf-8")
    found = re.search(r"VERSION\s*=\s*['\"]([^'\"]+)['\"]", text)
    return found.group(1) if found else ""


def applies() -> bool:
    """The conditions were read from the installed detect-secrets."""
    return installed_version() == SIEVED_FOR
