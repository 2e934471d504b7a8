"""A session's and a trainee's history and usage open for the trainer who may
edit them (they answered 500 while the scope was applied to the log entries),
and stay 404 for another trainer."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["history", "usage"])
def test_own_session_history_and_usage_open_for_its_trainer(people, session_a, login, name):
    client = login(people["trainer_a"])
    assert client.get(reverse(f"training_sessions:{name}", args=[session_a.pk])).status_code == 200
    other = login(people["trainer_b"])
    assert other.get(reverse(f"training_sessions:{name}", args=[session_a.pk])).status_code == 404


@pytest.mark.parametrize("who", ["trainer_a", "district_admin"])
def test_trainee_history_opens(people, roster, login, who):
    client = login(people[who])
    assert client.get(reverse("trainees:history", args=[roster["huli"][0].pk])).status_code == 200
