from decimal import Decimal as D

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_ny_endpoint_returns_money_as_strings(api_client_with):
    api = api_client_with("guidelines:read")
    response = api.post(
        "/api/v1/guidelines/ny/",
        {"parent_incomes": ["60000", "40000"], "children": 2, "as_of": "2025-06-01"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {
        k: body[k]
        for k in (
            "combined_income",
            "capped_income",
            "percentage",
            "basic_obligation_annual",
            "payor_share",
            "payor_obligation_annual",
            "payor_obligation_monthly",
        )
    } == {
        "combined_income": "100000.00",
        "capped_income": "100000.00",
        "percentage": "25.00",
        "basic_obligation_annual": "25000.00",
        "payor_share": "0.6000",
        "payor_obligation_annual": "15000.00",
        "payor_obligation_monthly": "1250.00",
    }


def test_ca_endpoint_statutory_example(api_client_with):
    api = api_client_with("guidelines:read")
    response = api.post(
        "/api/v1/guidelines/ca/",
        {
            "high_earner_net_monthly": "600",
            "total_net_monthly": "1000",
            "high_earner_timeshare": "0.2",
            "children": 1,
            "as_of": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["k"], body["base_amount"], body["multiplier"], body["monthly_support"]) == (
        "0.3000",
        "120.00",
        "1.000",
        "120.00",
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"parent_incomes": ["1", "2", "3"], "children": 1, "as_of": "2025-01-01"},
        {"parent_incomes": ["-1", "2"], "children": 1, "as_of": "2025-01-01"},
        {"parent_incomes": ["1.005", "2"], "children": 1, "as_of": "2025-01-01"},
        {"parent_incomes": ["1", "2"], "children": 0, "as_of": "2025-01-01"},
        {"parent_incomes": ["1", "2"], "children": 1, "as_of": "1980-01-01"},
        {"parent_incomes": ["1e400", "2"], "children": 1, "as_of": "2025-01-01"},
        {"children": 1, "as_of": "2025-01-01"},
    ],
)
def test_ny_endpoint_refuses_bad_input_with_400(api_client_with, payload):
    response = api_client_with("guidelines:read").post("/api/v1/guidelines/ny/", payload, format="json")
    assert response.status_code == 400


def test_ca_endpoint_refuses_high_earner_above_total(api_client_with):
    response = api_client_with("guidelines:read").post(
        "/api/v1/guidelines/ca/",
        {
            "high_earner_net_monthly": "2000",
            "total_net_monthly": "1000",
            "high_earner_timeshare": "0.2",
            "children": 1,
            "as_of": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "high_earner_net_monthly" in response.json()


def test_calculators_need_the_guidelines_scope(api_client_with):
    response = api_client_with("cases:read").post("/api/v1/guidelines/ny/", {}, format="json")
    assert response.status_code == 403


def test_worksheet_page_shows_the_breakdown(client_as):
    response = client_as("caseworker").get(
        reverse("guidelines:ny"),
        {"payor_income": "60000", "other_income": "40000", "children": "2", "as_of": "2025-06-01"},
    )
    assert response.status_code == 200
    assert response.context["result"].payor_obligation_monthly == 1250
    assert b"$1,250.00" in response.content


def test_worksheet_page_shows_field_errors(client_as):
    response = client_as("caseworker").get(
        reverse("guidelines:ca"),
        {
            "high_earner_net_monthly": "2000",
            "total_net_monthly": "1000",
            "high_earner_timeshare": "2",
            "children": "1",
            "as_of": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "result" not in response.context
    assert response.context["form"].errors.keys() >= {"high_earner_timeshare"}


def test_ny_endpoint_takes_gross_incomes_deductions_and_add_ons(api_client_with):
    # CSSA incomes 63,880 / 41,940 (the 5,000 maintenance is the other parent's income; see test_guidelines_law):
    # basic 1,330.83/month. Child care 12,000 × 0.603667 = 7,244.00/yr → 603.67/month; total 1,934.50.
    response = api_client_with("guidelines:read").post(
        "/api/v1/guidelines/ny/",
        {
            "gross_incomes": ["80000", "40000"],
            "children": 2,
            "as_of": "2025-06-01",
            "deductions": [
                {"fica": "6120", "local_tax": "3000", "maintenance_paid": "5000", "other_support_paid": "2000"},
                {"fica": "3060"},
            ],
            "add_ons": {"child_care_annual": "12000"},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["cssa_incomes"] == ["63880.00", "41940.00"]
    assert (
        body["payor_obligation_monthly"],
        body["payor_add_ons_annual"],
        body["payor_add_ons_monthly"],
        body["payor_total_monthly"],
    ) == ("1330.83", "7244.00", "603.67", "1934.50")
    assert (body["poverty_guideline"], body["self_support_reserve"]) == ("15650.00", "21128.00")
    cap = next(p for p in body["parameters"] if p["key"] == "ny.cssa.income_cap")
    assert cap == {
        "key": "ny.cssa.income_cap",
        "effective_on": "2024-03-01",
        "value": "183000",
        "citation": "SSL 111-i(2)(b) CPI-U adjustment",
        "confirm": False,
    }


def test_ca_endpoint_low_income_and_add_ons(api_client_with):
    api = api_client_with("guidelines:read")
    payload = {
        "high_earner_net_monthly": "2000",
        "total_net_monthly": "2000",
        "high_earner_timeshare": "0",
        "children": 1,
        "as_of": "2026-06-01",
        "add_ons": {"child_care_monthly": "300"},
    }
    body = api.post("/api/v1/guidelines/ca/", payload, format="json").json()
    # See test_ca_low_income_adjustment_applied_at_its_maximum; child care: obligor has all net income → 300.
    assert {
        k: body[k]
        for k in (
            "fraction",
            "table_effective_on",
            "low_income_threshold",
            "low_income_reduction",
            "monthly_support_before_adjustment",
            "monthly_support",
            "payor_add_ons_monthly",
            "payor_total_monthly",
        )
    } == {
        "fraction": "0.1891",
        "table_effective_on": "2024-09-01",
        "low_income_threshold": "2929.33",
        "low_income_reduction": "120.01",
        "monthly_support_before_adjustment": "378.28",
        "monthly_support": "258.27",
        "payor_add_ons_monthly": "300.00",
        "payor_total_monthly": "558.27",
    }
    rebutted = api.post(
        "/api/v1/guidelines/ca/",
        {**payload, "low_income_adjustment": "rebutted", "rebuttal_reason": "Assets"},
        format="json",
    ).json()
    assert (rebutted["monthly_support"], rebutted["low_income_reduction"]) == ("378.28", "0.00")


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        (
            "ny",
            {"parent_incomes": ["1", "2"], "gross_incomes": ["1", "2"], "children": 1, "as_of": "2025-06-01"},
            "gross_incomes",
        ),
        ("ny", {"parent_incomes": ["-1", "2"], "children": 1, "as_of": "2025-06-01"}, "parent_incomes"),
        ("ny", {"parent_incomes": ["1", "2"], "children": 1, "as_of": "2024-02-29"}, "as_of"),
        (
            "ny",
            {"gross_incomes": ["100", "0"], "deductions": [{"fica": "200"}, {}], "children": 1, "as_of": "2025-06-01"},
            "deductions",
        ),
        (
            "ca",
            {
                "high_earner_net_monthly": "600",
                "total_net_monthly": "1000",
                "high_earner_timeshare": "1.5",
                "children": 1,
                "as_of": "2025-06-01",
            },
            "high_earner_timeshare",
        ),
        (
            "ca",
            {
                "high_earner_net_monthly": "600",
                "total_net_monthly": "1000",
                "high_earner_timeshare": "0.2",
                "children": 1,
                "as_of": "1993-06-30",
            },
            "as_of",
        ),
        (
            "ca",
            {
                "high_earner_net_monthly": "600",
                "total_net_monthly": "1000",
                "high_earner_timeshare": "0.2",
                "children": 1,
                "as_of": "2025-06-01",
                "low_income_adjustment": "rebutted",
            },
            "rebuttal_reason",
        ),
    ],
)
def test_bad_input_is_a_400_keyed_by_the_field(api_client_with, path, payload, field):
    response = api_client_with("guidelines:read").post(f"/api/v1/guidelines/{path}/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_ny_page_takes_gross_income_deductions_and_add_ons(client_as):
    response = client_as("caseworker").get(
        reverse("guidelines:ny"),
        {
            "payor_income": "80000",
            "other_income": "40000",
            "children": "2",
            "as_of": "2025-06-01",
            "payor_fica": "6120",
            "payor_local_tax": "3000",
            "payor_maintenance_paid": "5000",
            "payor_other_support_paid": "2000",
            "other_fica": "3060",
            "child_care_annual": "12000",
        },
    )
    result = response.context["result"]
    assert (result.payor_obligation_monthly, result.payor_total_monthly) == (D("1330.83"), D("1934.50"))
    text = response.content.decode()
    assert "$63,880.00" in text and "FICA (Social Security and Medicare) actually paid" in text
    assert "Plus: maintenance received from the other parent" in text and "$41,940.00" in text
    assert reverse("guidelines:ny_pdf") in text


def test_ny_page_without_deductions_keeps_todays_figures(client_as):
    response = client_as("caseworker").get(
        reverse("guidelines:ny"),
        {"payor_income": "60000", "other_income": "40000", "children": "2", "as_of": "2025-06-01"},
    )
    assert response.context["result"].payor_obligation_monthly == D("1250.00")


def test_page_puts_the_laws_objection_on_the_field(client_as):
    client = client_as("caseworker")
    early = client.get(
        reverse("guidelines:ny"), {"payor_income": "1", "other_income": "1", "children": "1", "as_of": "2024-02-29"}
    )
    assert "result" not in early.context and "as_of" in early.context["form"].errors
    rebutted = client.get(
        reverse("guidelines:ca"),
        {
            "high_earner_net_monthly": "2000",
            "total_net_monthly": "2000",
            "high_earner_timeshare": "0",
            "children": "1",
            "as_of": "2026-06-01",
            "low_income_adjustment": "rebutted",
        },
    )
    assert "rebuttal_reason" in rebutted.context["form"].errors


def test_ca_page_shows_the_low_income_lines_and_prints_a_pdf(client_as):
    client = client_as("enforcement_specialist")
    params = {
        "high_earner_net_monthly": "2000",
        "total_net_monthly": "2000",
        "high_earner_timeshare": "0",
        "children": "1",
        "as_of": "2026-06-01",
    }
    page = client.get(reverse("guidelines:ca"), params)
    assert page.context["result"].monthly_support == D("258.27")
    assert "Low-income threshold" in page.content.decode() and "$2,929.33" in page.content.decode()
    pdf = client.get(reverse("guidelines:ca_pdf"), params)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ny = client.get(
        reverse("guidelines:ny_pdf"),
        {"payor_income": "60000", "other_income": "40000", "children": "2", "as_of": "2025-06-01"},
    )
    assert ny.content.startswith(b"%PDF")


def test_pdf_without_valid_inputs_goes_back_to_the_page(client_as):
    response = client_as("caseworker").get(reverse("guidelines:ny_pdf"), {"payor_income": "-5"})
    assert response.status_code == 302 and response.url.startswith(reverse("guidelines:ny") + "?")


def test_ny_endpoint_low_income_amount_includes_the_add_ons(api_client_with):
    # See test_ny_low_income_rules_test_the_obligation_with_its_add_ons: 30,000 alone, child care 9,250.01
    # leaves 15,649.99 < 15,650 → max(300, 30,000 − 21,128) = 8,872/yr = 739.33/month, add-ons inside it.
    body = (
        api_client_with("guidelines:read")
        .post(
            "/api/v1/guidelines/ny/",
            {
                "parent_incomes": ["30000", "0"],
                "children": 1,
                "as_of": "2025-06-01",
                "add_ons": {"child_care_annual": "9250.01"},
            },
            format="json",
        )
        .json()
    )
    assert {
        k: body[k]
        for k in (
            "low_income_rule",
            "payor_obligation_monthly",
            "payor_add_ons_annual",
            "payor_add_ons_monthly",
            "payor_total_monthly",
        )
    } == {
        "low_income_rule": "poverty",
        "payor_obligation_monthly": "739.33",
        "payor_add_ons_annual": "0.00",
        "payor_add_ons_monthly": "0.00",
        "payor_total_monthly": "739.33",
    }


def pdf_pages(content: bytes) -> list[str]:
    from io import BytesIO

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(BytesIO(content)).pages]


def test_ny_low_income_pdf_reads_as_the_form(client_as):
    # The low-income case of test_ny_low_income_rules_test_the_obligation_with_its_add_ons, as printed.
    pages = pdf_pages(
        client_as("caseworker")
        .get(
            reverse("guidelines:ny_pdf"),
            {
                "payor_income": "30000",
                "other_income": "0",
                "children": "1",
                "as_of": "2025-06-01",
                "child_care_annual": "9250.01",
            },
        )
        .content
    )
    first = pages[0].splitlines()
    # inputs in words, amounts as money, no "None" label; every line starts with its number; the table on page 1
    assert {
        "Payor's annual gross income $30,000.00",
        "Children 1",
        "As of Jun 1, 2025",
        "Child care (annual) $9,250.01",
    } <= set(first)
    assert "None" not in pages[0]
    for number, start in (
        ("1", "Gross income"),
        ("15", "Payor's CSSA income"),
        ("16", "Payor's annual child support"),
        ("27", "Payor's total monthly obligation"),
    ):
        assert any(line.startswith(f"{number} {start}") for line in first), number
    assert "$8,872.00" in pages[0] and "DRL 240(1-b)(d), first sentence" in pages[0].replace("\n", " ")
    assert all(f"page {n} of {len(pages)}" in text for n, text in enumerate(pages, start=1))


def test_long_worksheet_breaks_between_lines_and_repeats_the_header():
    from cases.guidelines.pdf import worksheet_pdf
    from cases.guidelines.tables import WorksheetLine

    lines = [
        WorksheetLine(str(n), f"Line {n} " + "words that wrap " * (n % 4 * 5), ("$1,234,567.89", "", "$0.00"))
        for n in range(1, 81)
    ]
    pages = pdf_pages(
        worksheet_pdf(
            title="T",
            subtitle="S",
            inputs=[("Label", "$1.00")],
            columns=("Payor", "Other parent", "Combined"),
            lines=lines,
            notes=[],
            parameters=[],
        )
    )
    assert len(pages) > 2
    text = "\n".join(pages)
    for n in range(1, 81):  # every line whole, with its amount uncut
        assert f"\n{n} Line {n} " in f"\n{text}"
    assert text.count("$1,234,567.89") == 80
    assert all(page.splitlines()[0] == "Line Payor Other parent Combined" for page in pages[1:])


def test_ny_page_says_the_low_income_amount_includes_the_add_ons(client_as):
    page = (
        client_as("caseworker")
        .get(
            reverse("guidelines:ny"),
            {
                "payor_income": "30000",
                "other_income": "0",
                "children": "1",
                "as_of": "2025-06-01",
                "child_care_annual": "9250.01",
            },
        )
        .content.decode()
    )
    assert "low-income rule of DRL 240(1-b)(d), add-ons included" in page and "$739.33" in page


# --- California before 2024-09-01: the Judicial Council's low-income threshold, as entered ------------
# The red team's case of test_ca_obligor_netting_800_in_june_2024_gets_the_adjustment_with_the_threshold_entered.
CA_JUNE_2024 = {
    "high_earner_net_monthly": "800",
    "total_net_monthly": "800",
    "high_earner_timeshare": "0",
    "children": "1",
    "as_of": "2024-06-01",
}


def test_ca_endpoint_takes_the_judicial_councils_threshold_before_sb343(api_client_with):
    api = api_client_with("guidelines:read")
    body = api.post("/api/v1/guidelines/ca/", {**CA_JUNE_2024, "low_income_threshold": "2100"}, format="json").json()
    assert {
        k: body[k]
        for k in (
            "low_income_adjustment",
            "low_income_threshold",
            "low_income_threshold_entered",
            "low_income_reduction",
            "monthly_support",
        )
    } == {
        "low_income_adjustment": "applied",
        "low_income_threshold": "2100.00",
        "low_income_threshold_entered": True,
        "low_income_reduction": "123.81",
        "monthly_support": "76.19",
    }
    rebutted = api.post(
        "/api/v1/guidelines/ca/",
        {**CA_JUNE_2024, "low_income_threshold": "2100", "low_income_adjustment": "rebutted", "rebuttal_reason": "A"},
        format="json",
    ).json()
    assert (rebutted["low_income_adjustment"], rebutted["monthly_support"]) == ("rebutted", "200.00")
    without = api.post("/api/v1/guidelines/ca/", CA_JUNE_2024, format="json").json()
    assert (without["low_income_adjustment"], without["low_income_threshold"], without["monthly_support"]) == (
        "not_applicable",
        None,
        "200.00",
    )
    assert any("Enter the year's figure" in note for note in without["notes"])


@pytest.mark.parametrize(
    ("as_of", "threshold", "message"),
    [
        ("2024-09-01", "2100", "set by law from the minimum wage"),
        ("2024-06-01", "0", "above 0"),
        ("2024-06-01", "10000.01", "at most 10000"),
    ],
)
def test_ca_endpoint_refuses_a_threshold_it_cannot_use(api_client_with, as_of, threshold, message):
    response = api_client_with("guidelines:read").post(
        "/api/v1/guidelines/ca/", {**CA_JUNE_2024, "as_of": as_of, "low_income_threshold": threshold}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["low_income_threshold"] and message in body["low_income_threshold"][0]


def test_ca_schema_documents_the_entered_threshold():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    entered = components["CaGuidelineInputRequest"]["properties"]["low_income_threshold"]
    assert "Only for a date before 2024-09-01" in entered["description"]
    assert "low_income_threshold" not in components["CaGuidelineInputRequest"].get("required", [])
    assert "low_income_threshold_entered" in components["CaGuidelineOutput"]["properties"]


def test_ca_page_and_pdf_take_the_threshold_before_sb343(client_as):
    client = client_as("caseworker")
    blank = client.get(reverse("guidelines:ca"))
    assert "Only for a date before 2024-09-01: the Judicial Council" in blank.content.decode()
    params = {**CA_JUNE_2024, "low_income_threshold": "$2,100.00"}
    page = client.get(reverse("guidelines:ca"), params)
    assert page.context["result"].monthly_support == D("76.19")
    text = page.content.decode()
    assert "the Judicial Council&#x27;s figure for the year, as entered" in text and "$2,100.00" in text
    pages = pdf_pages(client.get(reverse("guidelines:ca_pdf"), params).content)
    printed = " ".join(pages).replace("\n", " ")
    assert "Low-income threshold (monthly) $2,100.00" in printed
    assert "the Judicial Council's figure for the year, as entered" in printed and "$76.19" in printed


def test_ca_page_refuses_the_threshold_from_sb343_on_the_field(client_as):
    client = client_as("caseworker")
    late = client.get(reverse("guidelines:ca"), {**CA_JUNE_2024, "as_of": "2024-09-01", "low_income_threshold": "2100"})
    assert "result" not in late.context
    assert "set by law from the minimum wage" in late.context["form"].errors["low_income_threshold"][0]
    high = client.get(reverse("guidelines:ca"), {**CA_JUNE_2024, "low_income_threshold": "10000.01"})
    assert high.context["form"].errors["low_income_threshold"] == [
        "The low-income threshold is at most $10,000.00 a month."
    ]


def test_ca_two_children_allocated_youngest_first_on_the_page_the_pdf_and_the_api(client_as, api_client_with):
    """Fam. Code 4055(b)(8): the youngest child's amount is the support for one child, the next
    youngest's the difference to the support for two (596.38 and 357.83 of 954.21)."""
    params = {
        "high_earner_net_monthly": "3000",
        "total_net_monthly": "4000",
        "high_earner_timeshare": "0.2",
        "children": "2",
        "as_of": "2026-06-01",
    }
    client = client_as("caseworker")
    page = client.get(reverse("guidelines:ca"), params).content.decode()
    assert "Youngest child" in page and "$596.38" in page and "Next youngest child" in page and "$357.83" in page
    pdf = " ".join(" ".join(pdf_pages(client.get(reverse("guidelines:ca_pdf"), params).content)).split())
    assert "Youngest child" in pdf and "$357.83" in pdf
    body = api_client_with("guidelines:read").post("/api/v1/guidelines/ca/", params, format="json").json()
    assert body["monthly_support"] == "954.21"  # the existing fields stay
    assert body["child_allocation"] == [
        {"position": 1, "child": "Youngest child", "born_on": None, "amount": "596.38"},
        {"position": 2, "child": "Next youngest child", "born_on": None, "amount": "357.83"},
    ]
