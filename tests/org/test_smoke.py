from __future__ import annotations

from tests.conftest import client_for


def test_manager_sees_own_agency_page(manager, frontline):
    response = client_for(manager).get("/org/AG-LIL/")
    assert response.status_code == 200
    assert "Félix Frontline" in response.content.decode()


def test_frontline_gets_404_for_another_agency(frontline):
    assert client_for(frontline).get("/org/AG-MAR/").status_code == 404
