"""Which scanner lines no detector can fire on: a cheap, exact pre-check, so that detect-secrets sees only the rest.

A synth hands the scanner tens of thousands of distinct lines (``"title": "Requests"``, ``"expr": "sum(rate(…))"``);
detect-secrets costs ~100 µs a line (26 detectors, then its filters) and almost none of them can hold a secret. Each
detector below is listed with what every line it fires on necessarily contains, read from its patterns in
detect-secrets 1.5.0 (``detect_secrets/plugins/*.py``, quoted beside it). A line that contains none of them is
skipped: no detector could report it, so the filters that run after the detectors could only have removed findings,
never added one. A line that contains one is scanned in full, exactly as before (the sieve only decides *whether*).

The conditions are necessary, not sufficient, and never tighter than the detector:
* ``WORDS``: case-insensitive literals every match contains, compared on the lower-cased line. That equals Python's
  ``re.IGNORECASE`` only for ASCII text, and scanner lines are ASCII (``json.dumps`` escapes everything else): a line
  that is not is scanned in full;
* ``MARKERS``: case-sensitive patterns every match contains;
* ``SHAPES``: patterns every match contains, each holding a run of ``LONG`` characters of ``RUN`` (letters, digits,
  ``+/=_-\\``), so they are tried only on lines with such a run;
* the entropy detectors: a quoted run of their alphabet whose Shannon entropy is above the limit. Over ``k`` distinct
  symbols the entropy is at most log2(k) (and the hex detector only lowers it, for numbers), so the run needs more
  than 2**limit distinct characters: 23 for base64 (limit 4.5), 9 for hex (limit 3.0).

``SIEVED_FOR`` is the detect-secrets version these were read from; with another one installed nothing is skipped
(a test then asks to read the patterns again).
"""
from __future__ import annotations

import importlib.util
import re
import string
from functools import lru_cache
from pathlib import Path

SIEVED_FOR = "1.5.0"

# detector: (words, markers, shapes) — what every line the detector fires on contains (any one of them)
NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # (?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}; aws.{0,20}?(?:key|…).{0,20}?['"]([0-9a-zA-Z/+]{40})['"] (ci)
    "AWSKeyDetector": ((), (), (r"[0-9A-Z]{20}", r"(?i:[0-9a-z/+]{40})")),
    # (?:\s|=|:|"|^)AKC[a-zA-Z0-9]{10,}(?:\s|"|$); (?:\s|=|:|"|^)AP[\dABCDEF][a-zA-Z0-9]{8,}(?:\s|"|$)
    "ArtifactoryDetector": ((), (r"AKC[a-zA-Z0-9]{10}", r"AP[\dABCDEF][a-zA-Z0-9]{8}"), ()),
    # AccountKey=[a-zA-Z0-9+\/=]{88}
    "AzureStorageKeyDetector": ((), (), (r"AccountKey=[a-zA-Z0-9+/=]{88}",)),
    # ://[^{reserved}\s]+:([^{reserved}\s]+)@ (no whitespace between :// and @)
    "BasicAuthDetector": ((), (r"://\S*@",), ()),
    # (?:cloudant|cl|clou)…(key|pwd|…) … ([0-9a-f]{64}) or ([a-z]{24}), and the same secrets in cloudant.com URLs (ci)
    "CloudantDetector": ((), (), (r"(?i:[0-9a-f]{64})", r"(?i:[a-z]{24})")),
    # [MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}
    "DiscordBotTokenDetector": ((), (), (r"[MNO][a-zA-Z\d_-]{23}",)),
    # (ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}
    "GitHubTokenDetector": ((), (), (r"gh[pousr]_[A-Za-z0-9_]{36}",)),
    # (glpat|gldt|glft|glsoat|glrt)-[…]{20,50}, GR1348941[…]{20,50}, glcbt-…{20,50}, glimt-…{25}, glptt-…{40},
    # glagent-…{50,1024}, gloas-…{64}; every one a prefix then at least 20 of [A-Za-z0-9_\-]
    "GitLabTokenDetector": ((), (), (r"(?:gl[a-z]+-|GR1348941)[A-Za-z0-9_\-]{20}",)),
    # [A-Fa-f0-9] runs: the entropy bound below
    "HexHighEntropyString": ((), (), ()),
    # …(key|pwd|password|pass|token)… ([a-zA-Z0-9_\-]{44}(?![a-zA-Z0-9_\-])) (ci)
    "IbmCloudIamDetector": ((), (), (r"(?i:[a-z0-9_\-]{44})",)),
    # (?:(?:ibm)?[-_]?cos[-_]?(?:hmac)?|)(-|_|)(?:secret[-_]?(?:access)?[-_]?key) … ([a-f0-9]{48}) (ci)
    "IbmCosHmacDetector": (("secret",), (), ()),
    # eyJ[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.?…
    "JwtTokenDetector": ((), (r"eyJ",), ()),
    # DENYLIST (ci): api_?key … key_?pass, password, passwd, pwd, secret, contraseña, contrasena
    "KeywordDetector": (("key", "pass", "pwd", "secret", "contrase"), (), ()),
    # [0-9a-z]{32}-us[0-9]{1,2}
    "MailchimpDetector": ((), (), (r"[0-9a-z]{32}-us",)),
    # \/\/.+\/:_authToken=\s*((npm_.+)|([A-Fa-f0-9-]{36})).*
    "NpmDetector": ((), (r"/:_authToken=",), ()),
    # sk-[A-Za-z0-9-_]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}
    "OpenAIDetector": ((), (), (r"[A-Za-z0-9]{20}T3BlbkFJ",)),
    # BEGIN DSA PRIVATE KEY, … BEGIN PRIVATE KEY, … PuTTY-User-Key-File-2 (case-sensitive: the words are wider)
    "PrivateKeyDetector": (("private key", "putty-user-key-file-2"), (), ()),
    # pypi-AgEIcHlwaS5vcmc[A-Za-z0-9-_]{70,}; pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9-_]{70,}
    "PypiTokenDetector": ((), (), (r"pypi-AgE[A-Za-z0-9]{12}",)),
    # SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}
    "SendGridDetector": ((), (), (r"\.[a-zA-Z0-9_-]{43}",)),
    # xox(?:a|b|p|o|s|r)-(?:\d+-)+[a-z0-9]+ (ci); https://hooks\.slack\.com/services/T…/B…/… (ci)
    "SlackDetector": (("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "https://hooks.slack.com/services/t"),
                      (), ()),
    # …(key|pwd|password|pass|token)… ([a-z0-9]{64}); https?://api.softlayer.com/soap/(?:v3|v3.1)/([a-z0-9]{64}) (ci)
    "SoftlayerDetector": ((), (), (r"(?i:[a-z0-9]{64})",)),
    # sq0csp-[0-9A-Za-z\\\-_]{43}
    "SquareOAuthDetector": ((), (r"sq0csp-",), ()),
    # (?:r|s)k_live_[0-9a-zA-Z]{24}
    "StripeDetector": ((), (), (r"k_live_[0-9a-zA-Z]{24}",)),
    # \d{8,10}:[0-9A-Za-z_-]{35}
    "TelegramBotTokenDetector": ((), (), (r":[0-9A-Za-z_-]{35}",)),
    # AC[a-z0-9]{32}; SK[a-z0-9]{32}
    "TwilioKeyDetector": ((), (), (r"(?:AC|SK)[a-z0-9]{32}",)),
    # [A-Za-z0-9+/\\\-_=] runs: the entropy bound below
    "Base64HighEntropyString": ((), (), ()),
}

# Every shape holds a run of LONG characters of RUN (its own characters are among them).
RUN = r"[A-Za-z0-9+/=_\\-]"
LONG = 20
# The entropy detectors' alphabets (detect_secrets/plugins/high_entropy_strings.py) and the distinct characters a run
# of it needs to pass their limit: more than 2**4.5 (base64) and 2**3.0 (hex).
BASE64 = string.ascii_letters + string.digits + "+/" + "\\-_" + "="
HEX = string.hexdigits
BASE64_DISTINCT = 23
HEX_DISTINCT = 9

WORDS = tuple(word for words, _, _ in NEEDS.values() for word in words)
_MARKERS = re.compile("|".join(marker for _, markers, _ in NEEDS.values() for marker in markers))
_SHAPES = re.compile("|".join(shape for _, _, shapes in NEEDS.values() for shape in shapes))
_LONG_RUN = re.compile(f"{RUN}{{{LONG}}}")
_BASE64_RUN = re.compile(f"[{re.escape(BASE64)}]{{{BASE64_DISTINCT},}}")
_HEX_RUN = re.compile(f"[{re.escape(HEX)}]{{{HEX_DISTINCT},}}")


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


def _varied_run(pattern: re.Pattern[str], line: str, distinct: int) -> bool:
    return any(len(set(run)) >= distinct for run in pattern.findall(line))


def may_hold_secret(line: str) -> bool:
    """False only when no detector of ``NEEDS`` can fire on ``line``."""
    if not line.isascii():
        return True  # the lower-cased comparison of WORDS is exact for ASCII only: scan it in full
    lower = line.lower()
    if any(word in lower for word in WORDS) or _MARKERS.search(line):
        return True
    if _varied_run(_HEX_RUN, line, HEX_DISTINCT):
        return True
    return bool(_LONG_RUN.search(line)) and (bool(_SHAPES.search(line))
                                             or _varied_run(_BASE64_RUN, line, BASE64_DISTINCT))
