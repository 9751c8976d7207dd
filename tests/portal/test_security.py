"""Secure deployment (issue 10): production settings pass `check --deploy`, every response carries the
security headers and a Content-Security-Policy whose nonce is on every inline script and style, templates
hold no inline code the policy would refuse, and no secret is written into the code."""

import ast
import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.factories import EnterpriseFactory, designate, make_building, make_occupancy

BASE_DIR = Path(__file__).resolve().parents[2]
PROJECT_APPS = ("portal", "enterprises", "buildings", "scenarios", "programmes", "evaluation")
HOST = "portal.example.gov.cn"
ONE_YEAR = 365 * 24 * 3600


def production_env(tmp_path, **overrides):
    """What the README tells production to set, and nothing from this machine's test environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))
        # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy warns about.
        and k not in {"DEBUG", "SECRET_KEY", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        BEHIND_TLS_PROXY="true",
        # A scratch SQLite file: nothing here may touch the project folder or the test database.
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    )
    env.update(overrides)
    return env


def run_python(code, env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def manage(env, *args):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- manage.py check --deploy ------------------------------------------------------------------------------


def test_check_deploy_is_clean_in_production(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize(
    ("weakened", "warning"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SESSION_COOKIE_SECURE": "false"}, "security.W012"),
        ({"CSRF_COOKIE_SECURE": "false"}, "security.W016"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"}, "security.W005"),
        ({"SECRET_KEY": "short"}, "security.W009"),
    ],
)
def test_check_deploy_fails_on_a_weakened_setting(tmp_path, weakened, warning):
    """The clean check above is not vacuous: turning one protection off makes it fail."""
    result = manage(production_env(tmp_path, **weakened), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


PROBE_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); print(json.dumps({k: "
    "getattr(settings, k) for k in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
    "'SECURE_HSTS_PRELOAD', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SESSION_COOKIE_HTTPONLY', 'SECURE_PROXY_SSL_HEADER', 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', "
    "'SECURE_CONTENT_TYPE_NOSNIFF', 'DEBUG']}))"
)


def test_production_defaults(tmp_path):
    result = run_python(PROBE_SETTINGS, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "SECURE_HSTS_SECONDS": ONE_YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "DEBUG": False,
    }


def test_development_keeps_plain_http(tmp_path):
    """Locally (DEBUG) nothing forces HTTPS: `make run` serves http://127.0.0.1:8000."""
    result = run_python(PROBE_SETTINGS, production_env(tmp_path, DEBUG="true"))
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert (
        loaded["SECURE_HSTS_SECONDS"],
        loaded["SECURE_SSL_REDIRECT"],
        loaded["SESSION_COOKIE_SECURE"],
    ) == (
        0,
        False,
        False,
    )


# A production process answering requests behind the TLS proxy: the login page over HTTPS, the same over
# plain HTTP, and the health check over plain HTTP. Static files are not collected in the test: the probe
# swaps the manifest storage for the plain one, which changes no header.
PROBE_RESPONSES = f"""
import json, django
django.setup()
from django.test import Client
from django.test.utils import override_settings
from django.conf import settings
storages = {{**settings.STORAGES, "staticfiles": {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}}}
with override_settings(STORAGES=storages):
    client = Client()
    out = {{}}
    for name, path, proto, host in [
        ("https", "/login/", "https", "{HOST}"),
        ("http", "/login/", "http", "{HOST}"),
        ("health", "/health/", "http", "{HOST}"),
        # docker-compose's healthcheck: by address, which ALLOWED_HOSTS does not list
        ("health-by-address", "/health/", None, "127.0.0.1:8000"),
        ("login-by-address", "/login/", None, "127.0.0.1:8000"),
    ]:
        extra = {{"HTTP_X_FORWARDED_PROTO": proto}} if proto else {{}}
        r = client.get(path, HTTP_HOST=host, **extra)
        out[name] = {{
            "status": r.status_code,
            "headers": dict(r.headers),
            "cookies": {{k: {{"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}}
                         for k, m in r.cookies.items()}},
            "body": r.content.decode() if r.status_code == 200 else "",
        }}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def production_responses(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    result = run_python(PROBE_RESPONSES, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_headers_over_https(production_responses):
    response = production_responses["https"]
    assert response["status"] == 200
    headers = response["headers"]
    assert headers["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert_csp_matches_page(headers["Content-Security-Policy"], response["body"])
    # The login form sets the CSRF cookie: only over HTTPS; the session cookie is likewise Secure
    # (test_production_defaults) and HttpOnly.
    assert response["cookies"]["csrftoken"]["secure"] is True
    assert response["cookies"]["csrftoken"]["samesite"] == "Lax"


def test_production_redirects_plain_http_except_the_health_check(production_responses):
    assert production_responses["http"]["status"] == 301
    assert production_responses["http"]["headers"]["Location"] == f"https://{HOST}/login/"
    assert production_responses["health"]["status"] == 200


def test_the_health_check_answers_by_address_and_nothing_else_does(production_responses):
    """docker-compose probes http://127.0.0.1:8000/health/ (docker-compose.yml): not an allowed host."""
    assert production_responses["health-by-address"]["status"] == 200
    assert json.loads(production_responses["health-by-address"]["body"])["database"] == "ok"
    assert production_responses["login-by-address"]["status"] == 400  # DisallowedHost


# --- Content-Security-Policy on the pages ------------------------------------------------------------------

POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-{nonce}'",
    "style-src": "'self' 'nonce-{nonce}'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class InlineCode(HTMLParser):
    """Collects what a CSP refuses without a nonce: inline <script> and <style> elements (with their nonce),
    style attributes and on* event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.inline = []  # (tag, nonce or None)
        self.refused = []  # style="…" and onclick="…" attributes

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.inline.append((tag, attributes.get("nonce")))
        if tag == "style":
            self.inline.append((tag, attributes.get("nonce")))
        self.refused += [
            f"<{tag} {name}=…>" for name in attributes if name == "style" or name.startswith("on")
        ]


def assert_csp_matches_page(header, body):
    directives = dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())
    nonces = set(re.findall(r"'nonce-([^']+)'", header))
    nonce = nonces.pop() if len(nonces) == 1 else None
    parser = InlineCode()
    parser.feed(body)
    if parser.inline:
        assert nonce, f"inline code but no nonce in {header}"
    expected = {
        k: v.format(nonce=nonce) if nonce else v.replace(" 'nonce-{nonce}'", "") for k, v in POLICY.items()
    }
    assert directives == expected
    assert [tag for tag, tag_nonce in parser.inline if tag_nonce != nonce] == []
    assert parser.refused == []
    return parser


def _showcase():
    building = make_building("500103", name="安全测试楼宇")
    make_occupancy(building, EnterpriseFactory(region=building.region), area="800.00")
    designate(building)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "path", "inline_scripts"),
    [
        ("anonymous", "/login/", 1),  # base.html's menu script
        ("anonymous", "/demonstration-buildings/", 2),  # + the ECharts chart
        ("anonymous", "/progress/", 1),  # progress bars drawn in SVG, no style attributes
        ("city", "/dashboard/", 2),  # + the trend chart
        ("district", "/dashboard/region/", 2),
        (
            "anonymous",
            "/api/v1/docs/",
            0,
        ),  # Swagger UI: its init script is a file (?script), its <style> has the nonce
        ("anonymous", "/no-such-page/", 1),  # the 404 page too
    ],
)
def test_pages_carry_the_policy_and_their_inline_code_its_nonce(world, client, who, path, inline_scripts):
    _showcase()
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert (response.status_code == 404) == (path == "/no-such-page/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    parser = assert_csp_matches_page(response.headers["Content-Security-Policy"], response.content.decode())
    assert [tag for tag, _ in parser.inline].count("script") == inline_scripts


@pytest.mark.django_db
def test_each_response_has_its_own_nonce(client):
    first, second = (client.get("/login/").headers["Content-Security-Policy"] for _ in range(2))
    assert re.search(r"'nonce-([^']+)'", first).group(1) != re.search(r"'nonce-([^']+)'", second).group(1)


@pytest.mark.django_db
def test_api_responses_carry_the_policy(client):
    response = client.get("/api/v1/regions/")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_swagger_ui_init_script_is_served_as_a_file(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert 'src="/api/v1/docs/?script="' in page
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    # Swagger UI itself is served from our static files (drf-spectacular-sidecar), never a CDN.
    assert re.findall(r'src="([^"]+)"', page) == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "/api/v1/docs/?script=",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/api/v1/support-grants/", {"kind": "rent", "amount": "1.00", "granted_on": "2025-01-01"}),
        ("/accounts/new/", {"username": "csrf-victim", "password": "Strong-pass-2026", "role": "city"}),
    ],
)
def test_a_signed_in_browser_cannot_be_made_to_post_without_the_csrf_token(world, path, data):
    """Another site cannot use a signed-in officer's session: the session-authenticated API and every form
    need the CSRF token (the API with a Token header needs none: no browser sends it by itself)."""
    from django.test import Client

    from portal.models import User

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.city)
    data = {**data, "enterprise": world.own_enterprise.pk} if "support" in path else data
    response = client.post(path, data)
    assert response.status_code == 403
    assert not User.objects.filter(username="csrf-victim").exists()
    assert not world.own_enterprise.support_grants.exists()


TEMPLATE_DIRS = [BASE_DIR / "templates", *(BASE_DIR / app / "templates" for app in PROJECT_APPS)]


def test_templates_hold_no_inline_code_without_the_nonce():
    """Every template, rendered or not: inline <script>/<style> carry `{{ request.csp_nonce }}`, no style or
    on* attributes, no javascript: URLs (the policy would refuse them at run time, silently for the user)."""
    problems = []
    for directory in TEMPLATE_DIRS:
        for template in sorted(directory.rglob("*.html")) if directory.is_dir() else []:
            text = template.read_text()
            name = template.relative_to(BASE_DIR)
            parser = InlineCode()
            parser.feed(text)
            problems += [
                f"{name}: <{tag}> without the nonce"
                for tag, nonce in parser.inline
                if nonce != "{{ request.csp_nonce }}"
            ]
            problems += [f"{name}: {attribute}" for attribute in parser.refused]
            problems += [f"{name}: javascript: URL" for _ in re.finditer(r"javascript:", text, re.IGNORECASE)]
    assert problems == []


# --- secrets -----------------------------------------------------------------------------------------------

SECRET_NAME = re.compile(r"passw|secret|token|api_?key|private_?key|credential", re.IGNORECASE)
# Public by design: the demo accounts' password (README, `seed_demo --password` for another) and the
# development key, which settings.py uses only when DEBUG (test_settings: production refuses to start
# without SECRET_KEY).
ALLOWED_LITERALS = {"portal-demo", "django-insecure-local-development-key-not-for-production"}


def _assigned_strings(tree):
    """(name, string literal) for every assignment, keyword argument and dict entry of a constant string."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            pairs = [(target, node.value) for target in node.targets]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            pairs = [(node.target, node.value)]
        elif isinstance(node, ast.keyword):
            pairs = [(ast.Name(node.arg or ""), node.value)]
        elif isinstance(node, ast.Dict):
            pairs = [
                (key, value) for key, value in zip(node.keys, node.values, strict=True) if key is not None
            ]
        else:
            continue
        for target, value in pairs:
            name = (
                getattr(target, "id", None) or getattr(target, "attr", None) or getattr(target, "value", None)
            )
            if isinstance(name, str) and isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield name, value.value, node.lineno


def test_no_secret_is_written_into_the_code():
    """Passwords, keys and tokens come from the environment. A secret-looking literal (ASCII, no spaces,
    8 characters or more) assigned to a secret-looking name fails, outside the tests."""
    found = []
    for app in PROJECT_APPS:
        for source in sorted((BASE_DIR / app).rglob("*.py")):
            if "migrations" in source.parts:
                continue
            for name, literal, line in _assigned_strings(ast.parse(source.read_text())):
                secret_like = len(literal) >= 8 and literal.isascii() and not re.search(r"\s", literal)
                if SECRET_NAME.search(name) and secret_like and literal not in ALLOWED_LITERALS:
                    found.append(f"{source.relative_to(BASE_DIR)}:{line} {name}")
    assert found == []


def test_deployment_files_take_secrets_from_the_environment():
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    assert "SECRET_KEY: ${SECRET_KEY:?" in compose
    assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?" in compose
    assert ".env" in (BASE_DIR / ".gitignore").read_text().split()
    assert ".env" in (BASE_DIR / ".dockerignore").read_text().split()
