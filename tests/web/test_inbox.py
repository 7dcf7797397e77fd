"""The inbox ("Tehtävät"): a caseworker's own tasks and her groups' unclaimed tasks in her area, the soonest
due first, overdue and due-today said in words; claim and release."""
from __future__ import annotations

import re

from tests.identities import SYSTEM, caseworker, customer
from tests.journeys.test_startup_grant import APPLICANT
from tests.web.conftest import ANNA, PASSWORD, VILLE, signed_in, text_of
from tva_flow.auth.directory import Directory

JOB_SEEKER = "020202-222B"


def rows(response) -> list[str]:
    """Each task row of the inbox as the text a person reads."""
    html = response.get_data(as_text=True)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr class="task-row".*?</tr>', html, flags=re.S)]


def registered_job_seeker(service, who: str = JOB_SEEKER) -> dict:
    """A job seeker registered on Mon 5.1.2026: the initial interview is due by Tue 20.1.2026."""
    service.start_instance(customer(who), "job_seeker_followup", who, {"applies_for_benefit": True}, area="helsinki")
    (interview,) = service.list_tasks(SYSTEM, business_key=who)["items"]
    assert interview["due_date"] == "2026-01-20"
    return interview


def test_the_helsinki_caseworker_sees_the_helsinki_application_and_the_vantaa_one_does_not(app, anna, assessment):
    assert rows(anna.page("/")) == [f"Hakemuksen arviointi Starttiraha {APPLICANT} Ei määräpäivää Ei tekijää "
                                    f"Ota tehtäväksi : Hakemuksen arviointi, {APPLICANT}"]
    ville = signed_in(app, VILLE)
    assert rows(ville.page("/")) == []
    assert "Ei tehtäviä." in text_of(ville.page("/"))
    assert ville.get(f"/tasks/{assessment['id']}").status_code == 404
    assert ville.send(f"/tasks/{assessment['id']}/claim").status_code == 404


def test_the_applicant_sees_only_her_own_tasks(app, service):
    service.start_instance(customer(APPLICANT), "startup_grant", APPLICANT, municipality="091")
    registered_job_seeker(service)
    applicant = signed_in(app, APPLICANT)
    (row,) = rows(applicant.page("/"))
    assert row.startswith(f"Starttirahan hakeminen startup_grant {APPLICANT}")
    assert "Ota tehtäväksi" not in row  # a customer does her own tasks: there is nobody to claim them from


def test_claiming_and_releasing_a_task_from_the_inbox(service, anna, assessment):
    claimed = anna.send(f"/tasks/{assessment['id']}/claim", {"next": "/"})
    assert claimed.status_code == 302 and claimed.headers["Location"] == "/"
    page = anna.page("/")
    assert "Otit tehtävän ”Hakemuksen arviointi”." in text_of(page)
    assert "Sinä" in rows(page)[0] and "Palauta ryhmälle" in rows(page)[0]
    assert service.get_task(SYSTEM, assessment["id"])["assignee"] == ANNA

    released = anna.send(f"/tasks/{assessment['id']}/release", {"next": "/"})
    assert released.status_code == 302
    page = anna.page("/")
    assert "Palautit tehtävän ”Hakemuksen arviointi” ryhmälle." in text_of(page)
    assert "Ei tekijää" in rows(page)[0]
    assert service.get_task(SYSTEM, assessment["id"])["assignee"] is None


def test_a_task_another_caseworker_claimed_leaves_my_inbox_and_i_cannot_release_it(app, service, anna, assessment):
    service.claim_task(caseworker("olli.kollega"), assessment["id"])
    assert rows(anna.page("/")) == []
    refused = anna.send(f"/tasks/{assessment['id']}/release", {"next": "/"})
    assert refused.status_code == 302
    assert "Tehtävää ei voitu muuttaa" in text_of(anna.page("/"))
    assert service.get_task(SYSTEM, assessment["id"])["assignee"] == "olli.kollega"


def test_an_interview_due_today_and_one_overdue_are_said_in_words(app, service, frozen):
    registered_job_seeker(service)
    frozen.move_to("2026-01-20T10:00:00+02:00")
    anna = signed_in(app, ANNA)
    assert "Määräpäivä tänään" in rows(anna.page("/"))[0]
    assert "20.1.2026" in rows(anna.page("/"))[0]
    frozen.move_to("2026-01-21T10:00:00+02:00")
    anna = signed_in(app, ANNA)
    (row,) = rows(anna.page("/"))
    assert "Myöhässä" in row and "Määräpäivä tänään" not in row


def test_the_overdue_filter_lists_the_interview_the_inbox_marks_overdue(app, service, frozen):
    """Registered Mon 5.1.2026: the interview's last day is Tue 20.1. (due at 21.1. 00:00). On Wed 21.1. it
    is marked overdue, and "Overdue" lists it; "Due by today" lists it too (due before the day ends)."""
    registered_job_seeker(service)
    frozen.move_to("2026-01-21T10:00:00+02:00")
    anna = signed_in(app, ANNA)
    (row,) = rows(anna.page("/?due=overdue"))
    assert "Myöhässä" in row
    assert len(rows(anna.page("/?due=today"))) == 1


def test_filters_by_customer_process_and_due_window(service, anna, assessment):
    registered_job_seeker(service)
    assert len(rows(anna.page("/"))) == 2
    # the soonest due first, tasks without a deadline last
    assert [r.split(" ")[0] for r in rows(anna.page("/"))] == ["Alkuhaastattelu", "Hakemuksen"]
    assert [r.split(" ")[0] for r in rows(anna.page(f"/?customer={APPLICANT}"))] == ["Hakemuksen"]
    assert [r.split(" ")[0] for r in rows(anna.page("/?process=job_seeker_followup"))] == ["Alkuhaastattelu"]
    assert [r.split(" ")[0] for r in rows(anna.page("/?due=month"))] == ["Alkuhaastattelu"]
    assert rows(anna.page("/?due=overdue")) == []
    assert anna.get("/?due=someday").status_code == 400


def test_the_inbox_pages_with_the_services_cursor(service, anna, monkeypatch):
    from tva_flow.web import tasks as inbox
    monkeypatch.setattr(inbox, "PAGE_SIZE", 2)
    for n in range(3):
        registered_job_seeker(service, f"0{n + 1}0101-{n + 1}11A")
    first = anna.page("/")
    assert len(rows(first)) == 2
    following = re.search(r'href="([^"]*cursor=[^"]+)">Seuraava sivu', first.get_data(as_text=True))[1]
    second = anna.page(following.replace("&amp;", "&"))
    assert len(rows(second)) == 1 and "Ensimmäinen sivu" in text_of(second)
    assert anna.get("/?cursor=not-a-cursor").status_code == 400


def test_a_claim_of_an_unknown_task_is_a_404_page(anna):
    response = anna.send("/tasks/no-such-task/claim")
    assert response.status_code == 404 and "Sivua ei löydy" in text_of(response)


def test_text_no_database_can_keep_is_a_400_page_not_a_server_error(anna, assessment):
    assert anna.get("/?customer=%00").status_code == 400
    assert anna.get("/tasks/%00").status_code == 400
    response = anna.send(f"/tasks/{assessment['id']}", {"assessment_notes": "a\x00b"})
    assert response.status_code == 400 and "Pyyntöä ei voitu käsitellä" in text_of(response)


def test_a_process_owner_without_tasks_lands_on_a_page_that_says_so(app, service):
    Directory(service.db).add("pekka", ["process_owner"], password=PASSWORD)
    pekka = signed_in(app, "pekka")
    assert "Rooleillasi ei ole täällä tehtäviä" in text_of(pekka.page("/"))
