"""One case through the whole pathway with a client generated from the committed contract.

Run by tests/client/run.sh: the client package (openapi-python-client, pinned) is generated
into a temporary folder on sys.path; the demo binary is running at BASE_URL; its printed
tokens are passed as TOKEN_<ROLE> environment variables. Any error or unexpected status
fails the walk. Only what the generated client cannot express uses its underlying httpx
client, and each such place says why.
"""

import datetime
import json
import os
import sys
from http import HTTPStatus

from sanctuary_client import AuthenticatedClient
from sanctuary_client.api.case_actions import (
    accept,
    approve_works,
    assign_assessor,
    close,
    complete_works,
    order_works,
    record_assessment,
    record_contact,
    record_fire_check,
    record_follow_up_contact,
    record_follow_up_visit,
    record_landlord_permission,
    start_works,
)
from sanctuary_client.api.cases import get_case
from sanctuary_client.api.reference import list_measures
from sanctuary_client.api.referrals import create_referral
from sanctuary_client.api.reports import (
    give_feedback,
    list_feedback,
    monitoring_report,
    safe_accommodation_return,
)
from sanctuary_client.api.schemes import list_members
from sanctuary_client.models import (
    AcceptBody,
    ApproveWorksBody,
    AssignAssessorBody,
    CaseView,
    CloseBody,
    CompleteWorksBody,
    Feedback,
    FeedbackList,
    LandlordPermissionBody,
    MonitoringReport,
    OrderWorksBody,
    RecordAssessmentBody,
    RecordContactBody,
    RecordFireCheckBody,
    RecordFollowUpContactBody,
    RecordFollowUpVisitBody,
    ReferralForm,
    SafeAccommodationReturn,
)

BASE_URL = os.environ["BASE_URL"]
EXAMPLE = os.environ["REFERRAL_EXAMPLE"]
SCHEME = "darlington"


def client(role):
    # raise_on_unexpected_status: a status the contract does not declare fails the walk.
    return AuthenticatedClient(
        base_url=BASE_URL,
        token=os.environ[f"TOKEN_{role.upper()}"],
        raise_on_unexpected_status=True,
    )


def expect(response, status, what):
    if response.status_code != status:
        sys.exit(f"{what}: expected {status}, got {response.status_code}: {response.content[:500]!r}")
    return response.parsed


coordinator = client("coordinator")
referrer = client("referrer")
assessor = client("assessor")
contractor = client("contractor")
fire_service = client("fire_service")
funder = client("funder")
today = datetime.date.today()

with open(EXAMPLE) as f:
    example = json.load(f)
# A fresh external reference, so the walk can run against a demo that has seen the example.
example["external_reference"] = f"CLIENT-WALK-{os.getpid()}"
case = expect(
    create_referral.sync_detailed(client=referrer, body=ReferralForm.from_dict(example)),
    HTTPStatus.CREATED,
    "referral",
)
assert isinstance(case, CaseView), case
case_id = case.id
print(f"referred: {case.reference} ({case.status.value})")

members = expect(list_members.sync_detailed(SCHEME, client=coordinator), HTTPStatus.OK, "members")
def member(role):
    return next(m.organisation.id for m in members if role in [r.value for r in m.roles])
assessor_org, contractor_org = member("assessor"), member("contractor")

measures = expect(list_measures.sync_detailed(client=coordinator, scheme=SCHEME), HTTPStatus.OK, "measures")
# A measure that needs a fire check, so the walk includes one.
fire_measure = next(m.code for m in measures if m.requires_fire_check)
plain_measure = next(m.code for m in measures if not m.requires_fire_check)


def act(module, role_client, what, body=None, expected_status=None):
    etag = get_case.sync_detailed(case_id, client=role_client).headers["etag"]
    kwargs = {"client": role_client, "if_match": etag}
    if body is not None:
        kwargs["body"] = body
    view = expect(module.sync_detailed(case_id, **kwargs), HTTPStatus.OK, what)
    if expected_status and view.status.value != expected_status:
        sys.exit(f"{what}: case is {view.status.value}, expected {expected_status}")
    print(f"{what}: {view.status.value}")
    return view


act(record_contact, coordinator, "record contact",
    RecordContactBody.from_dict({"method": "phone", "outcome": "spoke_to_client"}))
# The full example raises eligibility warnings; accepting despite them needs a reason.
accept_body = {"override_reason": "Perpetrator has left; client wants to stay"} if case.workflow.eligibility_warnings else {}
act(accept, coordinator, "accept", AcceptBody.from_dict(accept_body), "accepted")
act(assign_assessor, coordinator, "assign assessor",
    AssignAssessorBody.from_dict({"organisation_id": str(assessor_org)}), "assessment")
view = act(record_assessment, assessor, "record assessment", RecordAssessmentBody.from_dict({
    "visit_date": today.isoformat(),
    "recommended_measures": [
        {"measure_code": fire_measure, "quantity": 1, "location": "ground-floor bedroom"},
        {"measure_code": plain_measure, "quantity": 2, "location": "back door"},
    ],
}), "assessed")
items = [item.id for item in view.works.items]
view = act(approve_works, coordinator, "approve works", ApproveWorksBody.from_dict({}), "works_approved")
# A rented home: the landlord is asked, and agrees, before the works are ordered.
if view.workflow.landlord_permission.status.value == "required":
    act(record_landlord_permission, coordinator, "landlord asked", LandlordPermissionBody.from_dict({
        "step": "requested", "on": today.isoformat(), "method": "letter"}))
    act(record_landlord_permission, coordinator, "landlord agreed", LandlordPermissionBody.from_dict({
        "step": "granted", "on": today.isoformat(), "granted_by": "Lettings team"}))
act(order_works, coordinator, "order works",
    OrderWorksBody.from_dict({"organisation_id": str(contractor_org)}), "works_ordered")
act(start_works, contractor, "start works", None, "works_in_progress")
act(complete_works, contractor, "complete works", CompleteWorksBody.from_dict({
    "results": [{"item_id": str(i), "installed": True, "actual_cost_pence": 25_000} for i in items],
}), "works_completed")
act(record_fire_check, fire_service, "fire check",
    RecordFireCheckBody.from_dict({"checked_on": today.isoformat(), "outcome": "satisfactory"}))
act(record_follow_up_visit, coordinator, "follow-up visit",
    RecordFollowUpVisitBody.from_dict({"visited_on": today.isoformat()}), "follow_up")
act(record_follow_up_contact, coordinator, "follow-up contact", RecordFollowUpContactBody.from_dict({
    "contacted_on": today.isoformat(), "milestone_months": 3, "feels_safer": "yes",
    "still_living_at_home": "yes", "further_incidents": "no",
}))
act(close, coordinator, "close", CloseBody.from_dict({
    "reason": "completed", "still_living_at_home": "yes", "feels_safer": "yes",
}), "closed")

# The referring agency rates the scheme; the coordinator reads it.
expect(give_feedback.sync_detailed(SCHEME, client=referrer, body=Feedback.from_dict(
    {"speed": 5, "communication": 4, "outcome": 5, "comment": "Quick and clear."})),
    HTTPStatus.CREATED, "feedback")
given = expect(list_feedback.sync_detailed(SCHEME, client=coordinator), HTTPStatus.OK,
               "feedback list")
assert isinstance(given, FeedbackList) and given.feedback[0].comment == "Quick and clear."

for who, role_client in [("coordinator", coordinator), ("funder", funder)]:
    report = expect(monitoring_report.sync_detailed(client=role_client, scheme=SCHEME),
                    HTTPStatus.OK, f"report as {who}")
    assert isinstance(report, MonitoringReport) and report.sections, who
    print(f"report as {who}: {len(report.sections)} sections")
    annual = expect(safe_accommodation_return.sync_detailed(client=role_client, scheme=SCHEME),
                    HTTPStatus.OK, f"annual return as {who}")
    assert isinstance(annual, SafeAccommodationReturn) and annual.sections, who
    print(f"annual return as {who}: {len(annual.sections)} sections")

# CSV: the generated client asks for JSON only (it cannot choose a media type), so the
# CSV is fetched through its httpx client, with the same base URL and token.
csv = coordinator.get_httpx_client().get(
    "/api/v1/reports/monitoring", params={"scheme": SCHEME}, headers={"Accept": "text/csv"})
if csv.status_code != 200 or not csv.headers["content-type"].startswith("text/csv"):
    sys.exit(f"CSV report: {csv.status_code} {csv.headers.get('content-type')}")
if "Number of referrals received" not in csv.text:
    sys.exit("CSV report has no referrals row")
print("report as coordinator (CSV): ok")
print("walk: ok")
