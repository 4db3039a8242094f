"""Which keys, headers and URL parts carry secrets: the door's knowledge, with where each rule comes from."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

# Keys Grafana reads only from a data source's secureJsonData (encrypted, never returned by its API). In jsonData a
# value under them is ignored by Grafana and would be written in clear into every stack.
#  * every HTTP data source (Prometheus/Mimir, Loki, Tempo): grafana-plugin-sdk-go backend/common.go and
#    httpclient settings read basicAuthPassword, password, tlsCACert, tlsClientCert, tlsClientKey, sigV4AccessKey,
#    sigV4SecretKey, sigV4SessionToken, secureSocksProxyPassword and httpHeaderValue<n> from secureJsonData;
#    azureClientSecret is the Azure auth of the Prometheus data source;
#  * PostgreSQL (grafana-postgresql-datasource): password, and tlsCACert/tlsClientCert/tlsClientKey with
#    tlsConfigurationMethod "file-content";
#  * Sentry (grafana-sentry-datasource): authToken;
#  * the other secureJsonData keys of Grafana's own data sources (CloudWatch accessKey/secretKey, Google privateKey,
#    InfluxDB token, Azure clientSecret, Elasticsearch/others apiKey), so a data source type added later is covered.
# The provider's summary (/work/shared/reference/grafana-provider.md, grafana_data_source) says the same from the
# other side: secrets go in secure_json_data_encoded (sensitive), custom headers in http_headers (sensitive).
GRAFANA_SECURE_KEYS = frozenset({
    "password", "basicAuthPassword", "tlsCACert", "tlsClientCert", "tlsClientKey", "sigV4AccessKey",
    "sigV4SecretKey", "sigV4SessionToken", "secureSocksProxyPassword", "azureClientSecret", "authToken",
    "accessKey", "secretKey", "privateKey", "token", "clientSecret", "apiKey", "oauthClientSecret",
})
HEADER_VALUE_KEY = re.compile(r"^httpHeaderValue(\d+)$")

# Any other key whose name says it holds a secret (a plugin we do not know, a typo of a known key). Words of the
# name, case-insensitive; "pass" alone is not enough (oauthPassThru is a switch).
SECRET_KEY_WORDS = re.compile(
    r"pass(word|wd|phrase)|pwd|secret|token|api_?key|access_?key|private_?key|client_?key|auth_?key|signing_?key"
    r"|session_?key|credential|bearer", re.IGNORECASE)
# ... unless the name says it holds something about the secret, not the secret: tokenUrl, authTokenType,
# passwordFile, secretName, sslKeyFile, tlsAuthWithCACert, oauthTokenEnabled …
ABOUT_A_SECRET = re.compile(
    r"(file|path|url|uri|name|names|type|method|mode|enabled|header|id|field|source|scheme|provider|expiry|ttl|"
    r"length|set|configured|sent|passthru|forward|forwarding)$", re.IGNORECASE)

# HTTP headers that carry credentials (RFC 9110 Authorization/Proxy-Authorization, cookies) or, by their name, keys
# and tokens (X-Api-Key, X-Auth-Token, Ocp-Apim-Subscription-Key …). X-Scope-OrgID (a tenant) is not one of them.
SECRET_HEADER = re.compile(
    r"^(authorization|proxy-authorization|cookie)$|token|secret|pass(word)?|api-?key|auth|credential|session"
    r"|signature|(^|-)key$", re.IGNORECASE)

# user:password@ in a URL (RFC 3986 userinfo). Without a scheme only where the field is a URL (Grafana's Postgres
# url is host:port, so user:pw@host:5432 is a URL there).
_URL_WITH_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")
_BARE_USERINFO = re.compile(r"^[^\s/:@]+:[^\s/@]+@[^\s@]+$")
_SCHEMES_WITHOUT_SLASHES = {"mailto", "tel", "sip", "urn", "data", "news"}
# Query parameters that carry a secret: ?token=…, ?api_key=…, ?password=…, ?sig=… (signed URLs).
SECRET_QUERY_PARAMETER = re.compile(
    r"^(token|access_token|auth|auth_token|api_?key|apikey|key|password|passwd|pwd|secret|client_secret|sig|"
    r"signature|x-amz-signature|x-goog-signature)$", re.IGNORECASE)


def is_secret_key(key: str) -> bool:
    """A key that holds a secret, by what Grafana keeps secret or by its name."""
    if key in GRAFANA_SECURE_KEYS or HEADER_VALUE_KEY.match(key):
        return True
    return bool(SECRET_KEY_WORDS.search(key)) and not ABOUT_A_SECRET.search(key)


def is_secret_header(name: str) -> bool:
    return bool(SECRET_HEADER.search(name))


def is_url_key(key: str) -> bool:
    return key.lower().endswith(("url", "uri"))  # url, serverUrl, endpoint_url, tokenUri


def url_credentials(text: str, url_field: bool = False) -> str | None:
    """What in ``text`` is a credential inside a URL (``user:password@``, ``?token=``), or None."""
    candidates = [match.group(0) for match in _URL_WITH_SCHEME.finditer(text)]
    bare = text.strip()
    if url_field and _BARE_USERINFO.match(bare) and bare.partition(":")[0].lower() not in _SCHEMES_WITHOUT_SLASHES:
        return "a user:password@ part"
    for candidate in candidates:
        try:
            parts = urlsplit(candidate)
            password = parts.password
        except ValueError:
            continue
        if password and not password.startswith(("${", "$__")):
            return "a user:password@ part"
        for name, value in parse_qsl(parts.query):  # blank values left out: nothing to hide
            if SECRET_QUERY_PARAMETER.match(name) and value and not value.startswith(("${", "$__", "{{")):
                return f"a secret query parameter ({name}=…)"
    return None
