"""Roles and scoping, tried from the wrong side: another trainer's session,
another street's trainees, a content editor in the training admin."""

import csv
import io

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.urls import reverse

from registration import roles as registration_roles
from training import permissions, roles
from training.models import Attendance, AttendanceStatus, SessionLevel, Trainee, TrainingSession

from .conftest import HULI, JIANGTOU, make_session, make_trainee, make_user

pytestmark = pytest.mark.django_db


def perms(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("content_type__app_label", "codename"))


def test_group_names_agree_with_the_back_office():
    assert roles.DISTRICT_ADMIN == registration_roles.DISTRICT_ADMIN
    assert roles.STREET_OFFICER == registration_roles.STREET_OFFICER


def test_migration_gave_each_group_its_training_permissions():
    trainer = perms(roles.TRAINER)
    assert ("training", "change_attendance") in trainer and ("training", "add_trainingsession") in trainer
    assert ("training", "delete_trainingsession") not in trainer
    officer = {codename for app, codename in perms(roles.STREET_OFFICER) if app == "training"}
    assert officer == {"view_trainee", "view_topic", "view_trainingsession", "view_attendance", "view_checkinrequest"}
    assert ("training", "delete_trainee") in perms(roles.DISTRICT_ADMIN)
    assert not {app for app, _codename in perms(registration_roles.CONTENT_EDITOR)} & {"training"}


def test_sync_keeps_other_apps_permissions_and_runs_twice_unchanged():
    registration_roles.sync_roles(django_apps)  # resets its groups to the back-office permissions only
    roles.sync_roles(django_apps)
    district = perms(roles.DISTRICT_ADMIN)
    assert ("registration", "change_registration") in district and ("training", "view_trainee") in district
    roles.sync_roles(django_apps)
    assert perms(roles.DISTRICT_ADMIN) == district


def test_who_sees_which_trainees(people, roster):
    everyone = set(Trainee.objects.all())
    seen = {key: set(permissions.visible_trainees(Trainee.objects.all(), user)) for key, user in people.items()}
    assert seen["trainer_a"] == seen["district_admin"] == seen["superuser"] == everyone
    assert seen["officer_huli"] == set(roster["huli"]) | {roster["inspector"]}
    assert seen["officer_jiangtou"] == set(roster["jiangtou"])
    assert seen["editor"] == set()


def test_who_sees_and_edits_which_sessions(people, roster, session_a):
    huli_session = make_session([people["trainer_b"]], level=SessionLevel.STREET, street_code=HULI)
    Attendance.objects.create(session=session_a, trainee=roster["jiangtou"][0], status=AttendanceStatus.PRESENT)

    def visible(key):
        return set(permissions.visible_sessions(TrainingSession.objects.all(), people[key]))

    def editable(key):
        return set(permissions.editable_sessions(TrainingSession.objects.all(), people[key]))

    assert visible("trainer_a") == editable("trainer_a") == {session_a}
    assert visible("trainer_b") == editable("trainer_b") == {huli_session}
    assert visible("officer_huli") == {huli_session}  # its street's session
    assert visible("officer_jiangtou") == {session_a}  # one of its trainees attended
    assert editable("officer_huli") == editable("officer_jiangtou") == set()
    assert visible("district_admin") == editable("district_admin") == {session_a, huli_session}
    assert visible("editor") == editable("editor") == set()
    assert permissions.can_mark_attendance(people["trainer_a"], session_a)
    assert not permissions.can_mark_attendance(people["trainer_b"], session_a)
    assert not permissions.can_mark_attendance(people["officer_jiangtou"], session_a)


def test_visible_attendance_is_of_visible_sessions_and_visible_trainees(people, roster, session_a):
    """The street officer's short path (their trainees' street alone) keeps
    the general rule: records of sessions they see, of trainees they see."""
    huli_session = make_session([people["trainer_b"]], level=SessionLevel.STREET, street_code=HULI)
    both = people["officer_huli"]
    both.groups.add(Group.objects.get(name=roles.TRAINER))
    people["officer_trainer"] = both
    for session in (session_a, huli_session):
        for trainee in [*roster["huli"], *roster["jiangtou"], roster["inspector"]]:
            Attendance.objects.create(session=session, trainee=trainee, status=AttendanceStatus.PRESENT)
    people["officer_huli"] = make_user("officer_huli_only", roles.STREET_OFFICER, [HULI])
    records = Attendance.objects.all()
    for key, user in people.items():
        sessions = permissions.visible_sessions(TrainingSession.objects.all(), user)
        trainees = permissions.visible_trainees(Trainee.objects.all(), user)
        expected = {record for record in records if record.session in sessions and record.trainee in trainees}
        assert set(permissions.visible_attendance(records, user)) == expected, key
    huli_trainees = {*roster["huli"], roster["inspector"]}
    seen = {r.trainee for r in permissions.visible_attendance(records, people["officer_huli"])}
    assert seen == huli_trainees  # both sessions' records of 湖里's trainees, none of 江头's


def test_another_trainers_session_answers_404_and_stays_unchanged(people, roster, session_a, login):
    client = login(people["trainer_b"])
    sheet = reverse("training:sheet", args=[session_a.pk])
    for name in ("edit", "inspect", "delete", "history"):
        assert client.get(reverse(f"training_sessions:{name}", args=[session_a.pk])).status_code == 404, name
    assert client.get(sheet).status_code == 404
    trainee = roster["huli"][0]
    response = client.post(sheet, {"action": "save", "trainee": [trainee.pk], f"status-{trainee.pk}": "present"})
    assert response.status_code == 404
    response = client.post(reverse("training_sessions:edit", args=[session_a.pk]), {"title": "被改了"})
    assert response.status_code == 404
    assert client.post(reverse("training_sessions:delete", args=[session_a.pk])).status_code == 404
    session_a.refresh_from_db()
    assert session_a.title == "高处坠落防范培训"
    assert not Attendance.objects.exists()
    listing = client.get(reverse("training_sessions:index"))
    assert session_a not in listing.context["object_list"]


def test_street_officers_read_but_cannot_mark_or_edit(people, roster, login):
    session = make_session([people["trainer_a"]], level=SessionLevel.STREET, street_code=HULI)
    client = login(people["officer_huli"])
    assert client.get(reverse("training_sessions:inspect", args=[session.pk])).status_code == 200
    assert client.get(reverse("training:sheet", args=[session.pk])).status_code == 403
    # Wagtail answers a missing model permission with a redirect to the dashboard
    assert client.get(reverse("training_sessions:edit", args=[session.pk])).status_code == 302
    assert client.get(reverse("trainees:edit", args=[roster["huli"][0].pk])).status_code == 302


def test_street_officer_lists_and_exports_only_their_streets_trainees(people, roster, login):
    client = login(people["officer_huli"])
    listed = set(client.get(reverse("trainees:index")).context["object_list"])
    assert listed == set(roster["huli"]) | {roster["inspector"]}
    assert client.get(reverse("trainees:inspect", args=[roster["jiangtou"][0].pk])).status_code == 404
    response = client.get(reverse("trainees:index"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row[2] for row in rows[1:]} == {"湖里街道"} and len(rows) == 5
    street_filter = client.get(reverse("trainees:index")).context["filters"].form.fields["street"]
    assert [street.code for street in street_filter.queryset] == [HULI]


def test_content_editor_sees_nothing_of_training(people, roster, session_a, login):
    client = login(people["editor"])
    for url in (
        reverse("training_sessions:index"),
        reverse("trainees:index"),
        reverse("trainees:index") + "?export=csv",
        reverse("training_sessions:add"),
        "/admin/snippets/training/topic/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("wagtailadmin_home"), url
    # a session or trainee page: not found, so not even its existence shows
    assert client.get(reverse("training_sessions:inspect", args=[session_a.pk])).status_code == 404
    assert client.get(reverse("trainees:inspect", args=[roster["huli"][0].pk])).status_code == 404
    assert client.get(reverse("training:sheet", args=[session_a.pk])).status_code == 403
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("training_sessions:index") not in menu and reverse("trainees:index") not in menu


def test_trainer_creating_a_session_stays_its_trainer(people, roster, login):
    client = login(people["trainer_a"])
    page = client.get(reverse("training_sessions:add"))
    form = page.context["form"]
    assert form.initial["trainers"] == [people["trainer_a"].pk]
    assert set(form.fields["trainers"].queryset) == {people["trainer_a"], people["trainer_b"]}
    data = session_post(trainers=[people["trainer_b"].pk])
    response = client.post(reverse("training_sessions:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    session = TrainingSession.objects.get()
    assert set(session.trainers.all()) == {people["trainer_a"], people["trainer_b"]}
    assert session.created_by == people["trainer_a"]
    assert len(session.checkin_code) == 6


def session_post(**overrides):
    from training.models import AudienceRole, Topic

    topic, _created = Topic.objects.get_or_create(name="触电")
    return {
        "title": "临时用电安全培训",
        "topic": topic.pk,
        "starts_at": "2030-05-06 09:00",
        "ends_at": "2030-05-06 11:00",
        "venue": "湖里街道办事处",
        "level": "district",
        "street": "",
        "audience_roles": list(AudienceRole.objects.filter(code="grid_worker").values_list("pk", flat=True)),
        "capacity": "30",
        "status": "planned",
        "checkin_opens_minutes_before": "30",
        "late_after_minutes": "15",
        **overrides,
    }


def test_session_form_rules(people, roster, login):
    client = login(people["trainer_a"])
    response = client.post(
        reverse("training_sessions:add"),
        session_post(level="street", ends_at="2030-05-06 08:00", trainers=[people["trainer_a"].pk]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "街道" in errors["street"][0] and "结束" in errors["ends_at"][0]
    assert not TrainingSession.objects.exists()


def test_delete_of_a_trainee_with_attendance_is_refused(people, roster, session_a, login):
    trainee = roster["huli"][0]
    Attendance.objects.create(session=session_a, trainee=trainee, status=AttendanceStatus.PRESENT)
    client = login(people["district_admin"])
    response = client.post(reverse("trainees:delete", args=[trainee.pk]))
    assert response.status_code == 302
    assert Trainee.objects.filter(pk=trainee.pk).exists()
    other = make_trainee(JIANGTOU)
    client.post(reverse("trainees:delete", args=[other.pk]))
    assert not Trainee.objects.filter(pk=other.pk).exists()
