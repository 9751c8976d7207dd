import re

import pytest
from django.core.management import call_command


def test_openapi_schema_builds_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/v1/auth/token/", "/api/v1/regions/", "/api/v1/accounts/", "/api/v1/accounts/{id}/"):
        assert f"{path}:" in text


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs
    # Every script and stylesheet from our own origin (the CSP nonce is random: it may spell "cdn").
    sources = re.findall(r'(?:src|href)="([^"]*)"', docs)
    assert sources and all(source.startswith("/") for source in sources), sources
