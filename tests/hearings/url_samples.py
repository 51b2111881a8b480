from tests.hearings.factories import ComplianceActionFactory


def url_samples(*, users) -> dict[str, dict]:
    action = ComplianceActionFactory()
    number = {"number": action.request.number}
    return {
        "hearings:request_detail": number,
        "hearings:good_cause": number,
        "hearings:schedule": number,
        "hearings:decide": number,
        "hearings:action_done": {"pk": action.pk},
    }
