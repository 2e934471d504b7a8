"""Importing a sheet again: a row whose mobile number is on the roster
updates that trainee (never unseen: the preview lists the changes), empty
optional cells keep the current value, inactive trainees come back, the
confirm checks the roster again, and nobody overwrites a trainee they could
not edit in the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Community
from training.models import Trainee, TraineeRole
from training.roster import importing

from .conftest import HULI, JIANGTOU, make_user, street
from .sheets import csv_upload
from .test_importing import confirm, confirmed, plan_on, post_upload

pytestmark = pytest.mark.django_db

CHEN = ["陈志强", "社区网格员", "湖里街道", "湖里社区", "湖里社区居委会", "13800001001"]
LIN = ["林丽华", "专职安全员", "江头街道", "吕厝社区", "江头街道安全巡查队", "13800001002"]
HUANG = ["黄建国", "街道小散纳管员", "金山街道", "", "金山街道办事处", "13800001003"]


def community(street_code, name):
    return Community.objects.get(street__code=street_code, name=name)


STREETS = {"湖里街道": HULI, "江头街道": JIANGTOU, "金山街道": "350206005"}
ROLES = {
    "社区网格员": TraineeRole.GRID_WORKER,
    "专职安全员": TraineeRole.SAFETY_INSPECTOR,
    "街道小散纳管员": TraineeRole.STREET_OFFICER,
}


def on_roster(row, **changes):
    """Put the person of a sheet row on the roster, as the row says unless ``changes`` say otherwise."""
    name, role, street_name, community_name, organisation, mobile = row
    code = STREETS[street_name]
    values = {
        "name": name,
        "role": ROLES[role],
        "street": street(code),
        "organisation": organisation,
        "mobile": mobile,
        "community": community(code, community_name) if community_name else None,
    }
    return Trainee.objects.create(**{**values, **changes})


def checked(rows, user):
    return {row.number: row for row in importing.check_rows(importing.read_sheet(csv_upload(rows)), user)}


def changes_of(row):
    return {change.key: (change.old_text, change.new_text) for change in row.changes}


# What each row does


def test_rows_are_new_updates_or_unchanged_and_updates_list_their_changes(people):
    on_roster(CHEN)
    lin = on_roster(LIN, community=community(JIANGTOU, "江头社区"), role=TraineeRole.GRID_WORKER, name="林丽")
    rows = checked([CHEN, LIN, HUANG], people["trainer_a"])
    assert [row.action for row in rows.values()] == [importing.UNCHANGED, importing.UPDATE, importing.NEW]
    assert rows[3].trainee == lin
    assert changes_of(rows[3]) == {
        "name": ("林丽", "林丽华"),
        "role": ("社区网格员", "专职安全员"),
        "community": ("江头社区", "吕厝社区"),
    }
    assert [str(change.label) for change in rows[3].changes] == ["姓名", "角色", "社区"]
    assert not rows[2].changes and not rows[4].changes
    assert importing.counts(rows.values()) == {"new": 1, "update": 1, "unchanged": 1, "error": 0}


def test_confirming_adds_updates_and_leaves_unchanged_rows_alone(people):
    on_roster(CHEN)
    lin = on_roster(LIN, street=street(HULI), community=community(HULI, "村里社区"))
    table = importing.read_sheet(csv_upload([CHEN, LIN, HUANG]))
    with CaptureQueriesContext(connection) as queries:
        assert confirmed(table, people["trainer_a"]) == {"new": 1, "update": 1, "unchanged": 1, "error": 0}
    updates = [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and updates[0].endswith(f"IN ({lin.pk})")  # 陈志强 (unchanged) is not written
    lin.refresh_from_db()
    assert (lin.street.code, lin.community.name) == (JIANGTOU, "吕厝社区")
    assert Trainee.objects.filter(mobile="13800001003", name="黄建国").exists()
    assert Trainee.objects.count() == 3


def test_a_number_twice_in_the_file_is_still_an_error(people):
    on_roster(CHEN)
    moved = [*CHEN[:3], "村里社区", *CHEN[4:]]
    rows = checked([CHEN, moved], people["trainer_a"])
    assert rows[2].action == importing.UNCHANGED
    assert "第2行" in rows[3].errors["mobile"] and rows[3].action is None


def test_empty_optional_cells_keep_the_current_values(people):
    chen = on_roster(CHEN, community=community(HULI, "村里社区"), organisation="村里社区居委会")
    blank = [CHEN[0], CHEN[1], CHEN[2], "", "", CHEN[5]]
    rows = checked([blank], people["trainer_a"])
    assert rows[2].action == importing.UNCHANGED
    confirmed(importing.read_sheet(csv_upload([blank])), people["trainer_a"])
    chen.refresh_from_db()
    assert (chen.community.name, chen.organisation) == ("村里社区", "村里社区居委会")


def test_moving_street_with_an_empty_community_clears_it_openly(people):
    on_roster(CHEN)
    moved = [CHEN[0], CHEN[1], "江头街道", "", "", CHEN[5]]
    rows = checked([moved], people["trainer_a"])
    assert changes_of(rows[2]) == {"street": ("湖里街道", "江头街道"), "community": ("湖里社区", "（空）")}
    confirmed(importing.read_sheet(csv_upload([moved])), people["trainer_a"])
    chen = Trainee.objects.get(mobile=CHEN[5])
    assert (chen.street.code, chen.community, chen.organisation) == (JIANGTOU, None, "湖里社区居委会")


def test_an_inactive_trainee_is_made_active_again(people):
    chen = on_roster(CHEN, active=False)
    rows = checked([CHEN], people["trainer_a"])
    assert rows[2].action == importing.UPDATE and rows[2].reactivates
    assert changes_of(rows[2]) == {"active": ("否", "是")}
    confirmed(importing.read_sheet(csv_upload([CHEN])), people["trainer_a"])
    chen.refresh_from_db()
    assert chen.active


# Confirming checks the roster again


def test_a_trainee_added_after_the_preview_turns_a_new_row_into_an_update_shown_first(people):
    user, table = people["trainer_a"], importing.read_sheet(csv_upload([CHEN, HUANG]))
    preview_plan = importing.plan_of(importing.check_rows(table, user))
    on_roster(CHEN, name="陈志")  # added meanwhile, by someone else
    with pytest.raises(importing.ImportRefused) as refusal:
        importing.import_rows(table, user, preview_plan)
    assert not refusal.value.has_errors  # nothing wrong, but the user has not seen this update
    again = {row.number: row for row in refusal.value.rows}
    assert again[2].action == importing.UPDATE and changes_of(again[2]) == {"name": ("陈志", "陈志强")}
    assert Trainee.objects.count() == 1
    # confirming what is shown now works
    assert importing.import_rows(table, user, importing.plan_of(refusal.value.rows))["update"] == 1
    assert Trainee.objects.get(mobile=CHEN[5]).name == "陈志强"


def test_a_trainee_edited_after_the_preview_is_shown_again(people):
    user, table = people["trainer_a"], importing.read_sheet(csv_upload([CHEN]))
    chen = on_roster(CHEN, name="陈志")
    preview_plan = importing.plan_of(importing.check_rows(table, user))
    Trainee.objects.filter(pk=chen.pk).update(organisation="另一单位")
    with pytest.raises(importing.ImportRefused):
        importing.import_rows(table, user, preview_plan)
    chen.refresh_from_db()
    assert (chen.name, chen.organisation) == ("陈志", "另一单位")


def test_a_trainee_added_between_the_check_and_the_write_is_no_crash(people, monkeypatch):
    """The number is inserted after import_rows checked the rows: the insert
    fails on the unique mobile and the rows are checked again."""
    user, table = people["trainer_a"], importing.read_sheet(csv_upload([CHEN, HUANG]))
    preview_plan = importing.plan_of(importing.check_rows(table, user))
    check_rows, calls = importing.check_rows, []

    def racing_check(*args, **kwargs):
        rows = check_rows(*args, **kwargs)
        calls.append(rows)
        if len(calls) == 1:
            on_roster(CHEN, name="陈志")
        return rows

    monkeypatch.setattr(importing, "check_rows", racing_check)
    with pytest.raises(importing.ImportRefused) as refusal:
        importing.import_rows(table, user, preview_plan)
    assert len(calls) == 2 and refusal.value.rows[0].action == importing.UPDATE
    assert not Trainee.objects.exists()  # the racing insert was in the rolled-back transaction too


def test_one_wrong_row_and_no_update_is_written(people):
    lin = on_roster(LIN, name="林丽")
    bad = ["王秀英", "社区网格员", "思明街道", "", "", "13800001006"]
    with pytest.raises(importing.ImportRefused) as refusal:
        confirmed(importing.read_sheet(csv_upload([LIN, HUANG, bad])), people["trainer_a"])
    assert refusal.value.has_errors
    lin.refresh_from_db()
    assert lin.name == "林丽" and Trainee.objects.count() == 1


def sheet_of(count, start):
    """``count`` rows each of new, changed and unchanged trainees, the latter two put on the roster."""
    huli, cunli = street(HULI), community(HULI, "村里社区")

    def row(number, name):
        return [name, "社区网格员", "湖里街道", "村里社区", "示例单位", f"136{start + number:08d}"]

    Trainee.objects.bulk_create(
        Trainee(
            name=f"旧名{n}",
            role=TraineeRole.GRID_WORKER,
            street=huli,
            community=cunli,
            organisation="示例单位",
            mobile=f"136{start + n:08d}",
        )
        for n in range(count)
    )
    Trainee.objects.bulk_create(
        Trainee(
            name=f"学员{n}",
            role=TraineeRole.GRID_WORKER,
            street=huli,
            community=cunli,
            organisation="示例单位",
            mobile=f"136{start + n:08d}",
        )
        for n in range(count, 2 * count)
    )
    return importing.read_sheet(csv_upload([row(n, f"学员{n}") for n in range(3 * count)]))


def test_the_number_of_queries_does_not_grow_with_the_rows(people, django_assert_max_num_queries):
    """10 rows or 300 (100 each new, updated, unchanged) take as many queries.
    (SQLite takes at most 999 parameters per statement, so Django splits more
    than about 120 inserts or updates into batches: a few more statements per
    batch, still none per row.)"""
    trainer = people["trainer_a"]

    def fresh_user():  # no permission caches carried from one run to the other
        return type(trainer).objects.get(pk=trainer.pk)

    small = sheet_of(4, start=0)
    with CaptureQueriesContext(connection) as queries:
        assert confirmed(small, fresh_user()) == {"new": 4, "update": 4, "unchanged": 4, "error": 0}
    assert len(queries) <= 20
    large = sheet_of(100, start=1000)
    with django_assert_max_num_queries(len(queries)):
        assert confirmed(large, fresh_user()) == {"new": 100, "update": 100, "unchanged": 100, "error": 0}
    assert Trainee.objects.filter(mobile__startswith="136", name__startswith="学员").count() == 312


# Permissions, from the wrong side


def street_officer_who_may_add_and_change(people):
    """A 湖里 street officer given the rights to add and change trainees:
    they see, so may edit, 湖里's trainees only."""
    officer = people["officer_huli"]
    officer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="training", codename__in=["add_trainee", "change_trainee"])
    )
    return type(officer).objects.get(pk=officer.pk)


def test_a_street_limited_user_cannot_overwrite_another_streets_trainee(people):
    officer = street_officer_who_may_add_and_change(people)
    on_roster(CHEN, name="陈志")
    lin = on_roster(LIN, name="林丽")  # in 江头, outside the officer's street
    rows = checked([CHEN, LIN], officer)
    assert rows[2].action == importing.UPDATE
    assert rows[3].errors["mobile"] == "该手机号码属于您所负责街道以外的学员，您无权修改。"
    assert not rows[3].changes and "林丽" not in rows[3].error_list()[0]  # nothing about them is shown
    with pytest.raises(importing.ImportRefused):
        confirmed(importing.read_sheet(csv_upload([CHEN, LIN])), officer)
    lin.refresh_from_db()
    assert lin.name == "林丽" and Trainee.objects.get(mobile=CHEN[5]).name == "陈志"


def test_a_user_who_may_only_add_cannot_update(people):
    adder = make_user("adder")
    adder.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["training", "wagtailadmin"], codename__in=["add_trainee", "access_admin"]
        )
    )
    on_roster(CHEN, name="陈志")
    rows = checked([CHEN, HUANG], adder)
    assert rows[2].errors["mobile"] == "该手机号码已在培训名单中，您的角色无权修改已有学员。"
    assert rows[3].action == importing.NEW


def test_through_the_admin_a_street_officer_cannot_overwrite_another_street(people, login):
    client = login(street_officer_who_may_add_and_change(people))
    lin = on_roster(LIN, name="林丽")
    preview = post_upload(client, csv_upload([LIN]))["Location"]
    page = client.get(preview).content.decode()
    assert "您所负责街道以外的学员" in page and 'name="plan"' not in page
    assert (
        client.post(
            preview,
            {
                "plan": importing.plan_of(
                    importing.check_rows(importing.read_sheet(csv_upload([LIN])), people["trainer_a"])
                )
            },
        ).status_code
        == 400
    )
    lin.refresh_from_db()
    assert lin.name == "林丽"


# Through the admin


def test_the_preview_shows_each_rows_action_and_changes(people, login):
    on_roster(CHEN, community=community(HULI, "村里社区"))
    on_roster(LIN, active=False)
    client = login(people["trainer_a"])
    preview = post_upload(client, csv_upload([CHEN, LIN, HUANG]))["Location"]
    response = client.get(preview)
    page = response.content.decode()
    assert "新增 1 行 · 更新 2 行 · 无变化 0 行 · 有错误 0 行" in page
    assert "社区：村里社区 → 湖里社区" in page
    assert "名单中为无效状态：导入后恢复为有效。" in page
    assert "社区或单位留空时保留学员的原值" in page  # the rule is explained
    assert page.count(">更新</strong>") == 2 and page.count(">新增</strong>") == 1
    assert "导入 3 名学员" in page
    assert client.post(preview, {"plan": plan_on(response)}).status_code == 302
    assert Trainee.objects.get(mobile=CHEN[5]).community.name == "湖里社区"
    assert Trainee.objects.filter(active=True).count() == 3


def test_a_sheet_that_matches_the_roster_offers_nothing_to_import(people, login):
    on_roster(CHEN)
    client = login(people["trainer_a"])
    page = client.get(post_upload(client, csv_upload([CHEN]))["Location"]).content.decode()
    assert "没有需要导入的内容" in page and 'name="plan"' not in page


def test_the_admin_shows_the_rows_again_when_the_roster_changed_meanwhile(people, login):
    client = login(people["trainer_a"])
    preview = post_upload(client, csv_upload([CHEN, HUANG]))["Location"]
    plan = plan_on(client.get(preview))
    on_roster(CHEN, name="陈志")
    response = client.post(preview, {"plan": plan})
    assert response.status_code == 409
    page = response.content.decode()
    assert "核对表格后培训名单已有变动" in page and "姓名：陈志 → 陈志强" in page
    assert Trainee.objects.get(mobile=CHEN[5]).name == "陈志"
    assert confirm(client, preview).status_code == 302
    assert Trainee.objects.get(mobile=CHEN[5]).name == "陈志强" and Trainee.objects.count() == 2
