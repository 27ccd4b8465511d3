"""Who may change what, and refusals that name who can instead."""

from __future__ import annotations

import pytest

from bot.domain.errors import PermissionDenied
from bot.services.permissions import (
    Actor,
    Authority,
    UnitLead,
    can_change_settings,
    can_manage_csfs,
    can_update_progress,
    can_write_goal,
    require_change_settings,
    require_manage_csfs,
    require_manage_person,
    require_set_roles,
    require_update_progress,
    require_write_goal,
)
from storage.models import Role

ACME = UnitLead(1, "Acme", lead_id=None)
SALES = UnitLead(2, "Sales", lead_id=10, lead_name="Dana Lee")
EMEA = UnitLead(3, "EMEA", lead_id=11, lead_name="Erin Park")
SENIORS = {"admins": ("Ada Admin",), "executives": ("Eve Exec",)}
COMPANY = Authority(chain=(ACME,), **SENIORS)
SALES_UNIT = Authority(chain=(SALES, ACME), **SENIORS)
EMEA_UNIT = Authority(chain=(EMEA, SALES, ACME), **SENIORS)

ADMIN = Actor("UADMIN", 1, "Ada Admin", Role.ADMIN)
EXEC = Actor("UEXEC", 2, "Eve Exec", Role.EXECUTIVE)
DANA = Actor("USALES", 10, "Dana Lee")
ERIN = Actor("UEMEA", 11, "Erin Park")
ROB = Actor("UREP", 12, "Rob Rep")
STRANGER = Actor("UNOBODY")


def test_admins_and_system_actors_write_everything() -> None:
    for authority in (COMPANY, SALES_UNIT, EMEA_UNIT):
        assert can_write_goal(ADMIN, authority)
        assert can_write_goal(Actor("import"), authority)
        assert can_write_goal(Actor("system"), authority)


def test_executives_write_company_goals_only() -> None:
    assert can_write_goal(EXEC, COMPANY)
    assert not can_write_goal(EXEC, SALES_UNIT)


def test_a_lead_writes_their_unit_and_the_units_below() -> None:
    assert can_write_goal(DANA, SALES_UNIT) and can_write_goal(DANA, EMEA_UNIT)
    assert can_write_goal(ERIN, EMEA_UNIT)
    assert not can_write_goal(ERIN, SALES_UNIT)
    assert not can_write_goal(DANA, COMPANY)


def test_a_refusal_names_the_leads_and_admins() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require_write_goal(ROB, SALES_UNIT)
    assert refused.value.message == (
        "Only Dana Lee (lead of Sales) or an admin (Ada Admin) can change goals of Sales."
    )
    with pytest.raises(PermissionDenied) as refused:
        require_write_goal(ROB, EMEA_UNIT)
    assert "Erin Park (lead of EMEA), Dana Lee (lead of Sales) or an admin" in refused.value.message


def test_a_company_goal_refusal_names_executives_and_admins() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require_write_goal(DANA, COMPANY)
    assert refused.value.message == (
        "Only an executive (Eve Exec) or an admin (Ada Admin) can change company goals."
    )


def test_owners_record_progress_on_their_own_goals() -> None:
    assert can_update_progress(ROB, 12, EMEA_UNIT)
    assert can_update_progress(DANA, 12, EMEA_UNIT)
    assert not can_update_progress(STRANGER, 12, EMEA_UNIT)
    with pytest.raises(PermissionDenied) as refused:
        require_update_progress(ERIN, SALES_UNIT, owner_id=10, owner_name="Dana Lee",
                                goal_label="G-2")  # fmt: skip
    assert refused.value.message.startswith("Only Dana Lee (owner of G-2), Dana Lee (lead of")
    assert refused.value.message.endswith("can record progress on G-2.")


def test_settings_and_roles() -> None:
    assert can_change_settings(EXEC) and can_change_settings(ADMIN)
    assert not can_change_settings(DANA)
    with pytest.raises(PermissionDenied, match=r"executive \(Eve Exec\) or an admin"):
        require_change_settings(DANA, COMPANY)
    with pytest.raises(PermissionDenied, match=r"Only an admin \(Ada Admin\) can change roles"):
        require_set_roles(EXEC, COMPANY)
    require_set_roles(ADMIN, COMPANY)


def test_csfs_are_managed_by_leads_executives_and_admins() -> None:
    assert can_manage_csfs(DANA, EMEA_UNIT) and can_manage_csfs(EXEC, EMEA_UNIT)
    assert not can_manage_csfs(ROB, EMEA_UNIT)
    with pytest.raises(PermissionDenied, match="can change the CSFs of EMEA"):
        require_manage_csfs(ROB, EMEA_UNIT)


def test_away_dates_are_set_by_the_person_their_leads_or_admins() -> None:
    require_manage_person(ROB, EMEA_UNIT, person_id=12, person_name="Rob Rep")
    require_manage_person(ERIN, EMEA_UNIT, person_id=12, person_name="Rob Rep")
    with pytest.raises(PermissionDenied, match="Only Rob Rep themself, Erin Park"):
        require_manage_person(EXEC, EMEA_UNIT, person_id=12, person_name="Rob Rep")


def test_many_admins_are_summarised() -> None:
    many = Authority(chain=(ACME,), admins=("A", "B", "C", "D", "E"))
    with pytest.raises(PermissionDenied, match=r"an admin \(A, B, C and 2 more\)"):
        require_set_roles(DANA, many)
