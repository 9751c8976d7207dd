from django.core.management import call_command


def test_schema_describes_the_building_endpoints(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/buildings/",
        "/api/v1/buildings/{id}/",
        "/api/v1/buildings/{id}/designate/",
        "/api/v1/buildings/{id}/revoke/",
        "/api/v1/occupancies/",
        "/api/v1/occupancies/{id}/",
        "/api/v1/demonstration-buildings/",
        "/api/v1/demonstration-buildings/{id}/",
    ):
        assert f"{path}:" in text
    for field in ("used_area", "occupancy_rate", "main_industries", "batch_label", "turnkey_checklist"):
        assert f"{field}:" in text
