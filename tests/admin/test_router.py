"""Write paths over HTTP need the admin token; without a configured token they are off."""

from fastapi.testclient import TestClient

from tests.conftest import make_client


def test_admin_is_off_without_configured_token(client: TestClient):
    r = client.post("/admin/refresh", headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403 and "SALARY_API_ADMIN_TOKEN" in r.json()["error"]["message"]


def test_admin_refresh_requires_the_right_token(seeded_database: str):
    with make_client(seeded_database, admin_token="s3cret-token") as c:
        assert c.post("/admin/refresh").status_code == 401
        wrong = c.post("/admin/refresh", headers={"Authorization": "Bearer s3cret-tokem"})
        assert wrong.status_code == 401 and wrong.json()["error"]["type"] == "unauthorized"
        assert "s3cret" not in wrong.text
        ok = c.post("/admin/refresh", headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200
        assert ok.json() == {"reloaded": True, "data_version": c.get("/readyz").json()["data_version"]}
