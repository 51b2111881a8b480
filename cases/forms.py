"""Caseworker forms. Validation gives field errors; services re-check the rules."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from core.fields import blind_index
from core.forms import DateInput, ExplainedReasonForm, MoneyField, SelectedRowsForm, bounded_date, past_date

from .choices import (
    EMPLOYMENT_DESK_END_REASONS,
    EMPLOYMENT_DESK_SOURCES,
    IV_D_JURISDICTIONS,
    AssistanceStatus,
    ChildEndReason,
    ClosureReason,
    CollectionSource,
    DocumentKind,
    Frequency,
    GeneticTestResult,
    InterstateRole,
    Jurisdiction,
    LocateResult,
    LocateSource,
    OrderEndReason,
    OrderKind,
    PaternityMethod,
    PaternityStatus,
    Sex,
    WorkItemPriority,
)
from .people import ssns_differ
from .services.employment import fein_clean
from .whereabouts_forms import ADDRESS_NAMES, address_checked, address_fields


class SSNField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "SSN")
        super().__init__(**kwargs)

    def clean(self, value):
        value = (super().clean(value) or "").replace("-", "").replace(" ", "")
        if value and (not value.isdigit() or len(value) != 9):
            raise forms.ValidationError("Enter the 9 digits of the SSN.")
        return value


class ChildFields(forms.Form):
    """A child as a case takes one (case opening, a child added later): name, birth date, sex,
    paternity."""

    child_first_name = forms.CharField(max_length=80, label="Child: first name")
    child_last_name = forms.CharField(max_length=80, label="Child: last name")
    child_date_of_birth = forms.DateField(widget=DateInput, label="Child: date of birth")
    child_sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, required=False, label="Child: sex")
    child_born_in_wedlock = forms.NullBooleanField(required=False, label="Child born in wedlock")
    child_paternity_status = forms.ChoiceField(
        choices=PaternityStatus.choices, initial=PaternityStatus.PENDING, label="Paternity"
    )
    child_paternity_established_on = forms.DateField(widget=DateInput, required=False, label="Paternity established on")
    child_paternity_method = forms.ChoiceField(
        choices=[("", "—"), *PaternityMethod.choices], required=False, label="Paternity established by"
    )

    def clean_child_date_of_birth(self):
        return past_date(self.cleaned_data["child_date_of_birth"])

    def clean_child_paternity_established_on(self):
        return past_date(self.cleaned_data["child_paternity_established_on"])

    def clean(self):
        data = super().clean()
        if data.get("child_paternity_status") == PaternityStatus.ESTABLISHED:
            if not data.get("child_paternity_established_on"):
                self.add_error("child_paternity_established_on", "Give the date paternity was established.")
            if not data.get("child_paternity_method"):
                self.add_error("child_paternity_method", "Say how paternity was established.")
        return data

    def child_extra(self) -> dict:
        """The child's fields beyond name and birth date, for ``services.PartyData.extra``."""
        data = self.cleaned_data
        return {
            "sex": data.get("child_sex") or Sex.UNKNOWN,
            "born_in_wedlock": data["child_born_in_wedlock"],
            "paternity_status": data["child_paternity_status"],
            "paternity_established_on": data["child_paternity_established_on"],
            "paternity_method": data["child_paternity_method"],
        }


class PartyMatchForm(forms.Form):
    """The caseworker's answers when a party may already be on file (``services.ProbableMatches``)
    or its SSN is on file under another name (``services.SsnOnFileDiffers``). ``PARTIES``: each
    party's key (the prefix of its fields) and label; each has ``<key>_existing_person`` and
    ``<key>_new_person_reason`` (hidden until the service found matches), and a party with an SSN
    ``<key>_ssn_same_person``."""

    PARTIES: dict[str, str] = {}

    def offer_matches(self, matches: dict, *, case_counts: dict[int, int], visible_ids: set[int]) -> None:
        """Show each party's possible matches as a choice, with "a new person" and its reason,
        right after that party's fields. Only the matches the user may see (``visible_ids``) are
        choices, with their details; the others are one line that names no one
        (``MATCH_ELSEWHERE``)."""
        order = list(self.fields)
        self.ssn_differs_shown: list[tuple[str, object]] = []  # (party, person) labelled: a logged SSN answer
        for key, people in matches.items():
            if key not in self.PARTIES:
                continue
            label = self.PARTIES[key]
            shown = [p for p in people if p.pk in visible_ids]
            typed = (getattr(self, "cleaned_data", {}) or {}).get(f"{key}_ssn") or ""
            index = blind_index(typed) if typed else ""
            differs = {p.pk for p in shown if ssns_differ(index, p.ssn_index)}
            self.ssn_differs_shown += [(key, p) for p in shown if p.pk in differs]
            choices = [
                (str(p.pk), _match_label(p, case_counts.get(p.pk, 0), ssn_differs=p.pk in differs)) for p in shown
            ]
            choices.append(
                ("new", "None of these: a new person (say why below)" if shown else "A new person (say why below)")
            )
            self.fields[f"{key}_existing_person"].widget = forms.RadioSelect(choices=choices)
            self.fields[f"{key}_existing_person"].label = f"{label}: already on file?"
            self.fields[f"{key}_existing_person"].help_text = MATCH_ELSEWHERE if len(shown) < len(people) else ""
            self.fields[f"{key}_new_person_reason"].widget = forms.TextInput()
            self.fields[f"{key}_new_person_reason"].label = f"{label}: why a new record"
            anchor = f"{key}_ssn" if f"{key}_ssn" in self.fields else f"{key}_date_of_birth"
            for name in (f"{key}_new_person_reason", f"{key}_existing_person"):
                order.remove(name)
                order.insert(order.index(anchor) + 1, name)
        self.order_fields(order)
        self._bound_fields_cache.clear()  # type: ignore[attr-defined]  # bound fields keep their first label

    def offer_ssn_confirmation(self, keys) -> None:
        """Show "the same person" as a tick box right after each of these parties' SSN."""
        order = list(self.fields)
        for key in keys:
            name = f"{key}_ssn_same_person"
            if name not in self.fields:
                continue
            self.fields[name].widget = forms.CheckboxInput()
            self.fields[name].label = f"{self.PARTIES[key]}: the SSN is right, the record on file is this person"
            order.remove(name)
            order.insert(order.index(f"{key}_ssn") + 1, name)
        self.order_fields(order)
        self._bound_fields_cache.clear()  # type: ignore[attr-defined]  # bound fields keep their first widget

    def clean(self):
        data = super().clean()
        for key in self.PARTIES:
            value = (data.get(f"{key}_existing_person") or "").strip()
            if value not in ("", "new") and not value.isdigit():
                self.add_error(f"{key}_existing_person", "Pick one of the records shown, or a new person.")
            elif value.isdigit():
                data[f"{key}_existing_person"] = int(value)
            if value == "new" and not (data.get(f"{key}_new_person_reason") or "").strip():
                self.add_error(
                    f"{key}_new_person_reason", "Say why this is a new person and not one of the records shown."
                )
        return data

    def party_decision(self, key: str) -> dict:
        """``existing_person_id`` / ``new_person_reason`` / ``ssn_match_confirmed`` for ``services.PartyData``."""
        existing = self.cleaned_data.get(f"{key}_existing_person")
        confirmed = {"ssn_match_confirmed": True} if self.cleaned_data.get(f"{key}_ssn_same_person") else {}
        if existing == "new":
            return {"new_person_reason": self.cleaned_data.get(f"{key}_new_person_reason", ""), **confirmed}
        return {"existing_person_id": existing, **confirmed} if isinstance(existing, int) else confirmed


class CaseCreateForm(PartyMatchForm, ChildFields):
    county = forms.CharField(max_length=60)
    jurisdiction = forms.ChoiceField(choices=Jurisdiction.choices)
    assistance_status = forms.ChoiceField(choices=AssistanceStatus.choices, initial=AssistanceStatus.NEVER)
    application_received_on = forms.DateField(widget=DateInput, label="Application received on")
    cp_first_name = forms.CharField(max_length=80, label="Custodial parent: first name")
    cp_last_name = forms.CharField(max_length=80, label="Custodial parent: last name")
    cp_date_of_birth = forms.DateField(widget=DateInput, required=False, label="Custodial parent: date of birth")
    cp_ssn = SSNField(label="Custodial parent: SSN")
    cp_family_violence = forms.BooleanField(required=False, label="Custodial parent: family violence indicator")
    ncp_first_name = forms.CharField(max_length=80, label="Noncustodial parent: first name")
    ncp_last_name = forms.CharField(max_length=80, label="Noncustodial parent: last name")
    ncp_date_of_birth = forms.DateField(widget=DateInput, required=False, label="Noncustodial parent: date of birth")
    ncp_ssn = SSNField(label="Noncustodial parent: SSN")
    ncp_location_known = forms.BooleanField(required=False, label="The NCP's whereabouts are known")
    interstate_role = forms.ChoiceField(choices=InterstateRole.choices, initial=InterstateRole.NONE)
    other_state = forms.CharField(max_length=2, required=False, label="Other state (2 letters)")
    other_state_case_id = forms.CharField(max_length=40, required=False)
    # The caseworker's answer about possible matches (shown only when the service found some).
    cp_existing_person = forms.CharField(required=False, widget=forms.HiddenInput)
    cp_new_person_reason = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    ncp_existing_person = forms.CharField(required=False, widget=forms.HiddenInput)
    ncp_new_person_reason = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    child_existing_person = forms.CharField(required=False, widget=forms.HiddenInput)
    child_new_person_reason = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    # The caseworker's answer when the SSN entered is on file under another name or birth date
    # (shown only when the service said so: ``offer_ssn_confirmation``).
    cp_ssn_same_person = forms.BooleanField(required=False, widget=forms.HiddenInput)
    ncp_ssn_same_person = forms.BooleanField(required=False, widget=forms.HiddenInput)

    PARTIES = {"cp": "Custodial parent", "ncp": "Noncustodial parent", "child": "Child"}
    # The parents first, then the child (``ChildFields``), then the rest as declared.
    field_order = [
        "county",
        "jurisdiction",
        "assistance_status",
        "application_received_on",
        *(f"{key}_{name}" for key in ("cp", "ncp") for name in ("first_name", "last_name", "date_of_birth", "ssn")),
        "cp_family_violence",
        "ncp_location_known",
        *ChildFields.base_fields,
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].initial = settings.CASEWORKS_JURISDICTION

    def clean_application_received_on(self):
        return past_date(self.cleaned_data["application_received_on"])

    def clean_other_state(self):
        state = self.cleaned_data["other_state"].strip().upper()
        if state and state not in IV_D_JURISDICTIONS:
            raise forms.ValidationError(f"{state} runs no IV-D program: give a state, DC, PR, VI or GU (45 CFR 303.7).")
        return state

    def clean(self):
        data = super().clean()
        if data.get("interstate_role", InterstateRole.NONE) != InterstateRole.NONE and not data.get("other_state"):
            self.add_error("other_state", "Name the other state of an interstate case.")
        return data


class ChildAddForm(PartyMatchForm, ChildFields):
    """A child added to an open case, found among the people on file as case opening finds its
    parties (``services.case_child_add``)."""

    child_ssn = SSNField(label="Child: SSN")
    child_existing_person = forms.CharField(required=False, widget=forms.HiddenInput)
    child_new_person_reason = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    child_ssn_same_person = forms.BooleanField(required=False, widget=forms.HiddenInput)

    PARTIES = {"child": "Child"}
    field_order = ["child_first_name", "child_last_name", "child_date_of_birth", "child_ssn"]


class PaternityForm(forms.Form):
    """What is known of a child's paternity (``services.paternity_record``)."""

    status = forms.ChoiceField(choices=PaternityStatus.choices, label="Paternity")
    established_on = forms.DateField(widget=DateInput, required=False, label="Established on")
    method = forms.ChoiceField(choices=[("", "—"), *PaternityMethod.choices], required=False, label="Established by")
    genetic_test_ordered_on = forms.DateField(widget=DateInput, required=False, label="Genetic test ordered on")
    genetic_test_result = forms.ChoiceField(
        choices=[("", "—"), *GeneticTestResult.choices], required=False, label="Genetic test result"
    )

    def clean_established_on(self):
        return past_date(self.cleaned_data["established_on"])

    def clean_genetic_test_ordered_on(self):
        return past_date(self.cleaned_data["genetic_test_ordered_on"])


# A match the user may not see (a person on other counties' cases only): no name, birth date, SSN,
# case count or id; what to do instead. Static text (the field template shows help text as HTML).
MATCH_ELSEWHERE = (
    "Someone with this name and date of birth is also on file on cases you cannot see (another "
    "county's): that record is not shown and cannot be picked here. Enter the SSN if the application "
    "gives it: the same SSN finds the record. Otherwise confirm a new person and say why; a coordinator "
    "checks the two records on the duplicates report."
)


def _match_label(person, case_count: int, *, ssn_differs: bool = False) -> str:
    """How a possible match the user may see is described: enough to tell people apart, no
    whereabouts; ``case_count`` counts the cases the user may see. A record with another SSN than
    the one entered says so (it cannot be picked: two SSNs are two people; the SSN typed may be wrong)."""
    born = person.date_of_birth.strftime("%Y-%m-%d") if person.date_of_birth else "birth date unknown"
    ssn = f", SSN ending {person.ssn_last4}" if person.ssn_last4 else ""
    if ssn_differs:
        ssn += ", a different SSN from the one entered: not this person"
    cases = f", on {case_count} case{'s' if case_count != 1 else ''} you can see"
    return f"{person.display_name} (born {born}{ssn}{cases}; person {person.pk})"


class OrderForm(forms.Form):
    order_number = forms.CharField(max_length=40)
    kind = forms.ChoiceField(choices=OrderKind.choices)
    court_name = forms.CharField(max_length=200, required=False)
    issued_on = forms.DateField(widget=DateInput)
    effective_on = forms.DateField(
        widget=DateInput,
        help_text="Under the number of the order in force, this records its amended version: it takes effect "
        "from that order's first due date on or after this date.",
    )
    current_support = MoneyField(allow_zero=True, label="Current child support amount", help_text="0 for a zero order.")
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.MONTHLY)
    medical_support = MoneyField(required=False, allow_zero=True, label="Medical support (monthly)")
    arrears_repayment = MoneyField(required=False, allow_zero=True, label="Arrears repayment (monthly)")

    def clean_issued_on(self):
        return past_date(self.cleaned_data["issued_on"])

    def clean(self):
        data = super().clean()
        if (
            data.get("issued_on")
            and data.get("effective_on")
            and data["effective_on"].year < data["issued_on"].year - 30
        ):
            self.add_error("effective_on", "The effective date is implausibly old.")
        return data

    def obligation_lines(self):
        from .services import ObligationData

        data = self.cleaned_data
        start = data["effective_on"]
        lines = [ObligationData("current_support", data["current_support"], data["frequency"], start)]
        for kind in ("medical_support", "arrears_repayment"):
            if data.get(kind):
                lines.append(ObligationData(kind, data[kind], Frequency.MONTHLY, start))
        return lines


class PaymentForm(forms.Form):
    """A payment received at the office; posted through cases.services.collection_post."""

    amount = MoneyField()
    received_on = forms.DateField(widget=DateInput)
    source = forms.ChoiceField(choices=CollectionSource.choices, initial=CollectionSource.DIRECT_PAYMENT)
    source_reference = forms.CharField(
        max_length=64,
        label="Receipt or reference number",
        help_text="Unique: the same reference is never posted twice.",
    )
    collected_on = forms.DateField(
        widget=DateInput,
        required=False,
        label="Date of collection",
        help_text="When the employer withheld it or another state received it (45 CFR 302.51(a)(1)); "
        "leave blank when it is the day received. It decides the month the payment pays.",
    )

    def clean_received_on(self):
        return past_date(self.cleaned_data["received_on"])

    def clean(self):
        cleaned = super().clean()
        collected, received = cleaned.get("collected_on"), cleaned.get("received_on")
        if collected and received and collected > received:
            self.add_error("collected_on", "The date of collection cannot be after the date received.")
        return cleaned

    def clean_source_reference(self):
        return self.cleaned_data["source_reference"].strip()


class CaseCloseForm(forms.Form):
    reason = forms.ChoiceField(choices=ClosureReason.choices, label="Closure reason (45 CFR 303.11(b))")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
    confirm = forms.BooleanField(
        label="I confirm: close this case now, or, for a reason that needs it, send the notice of intent to "
        "close to the recipient. Closing stops enforcement and finishes open work items; neither can be undone "
        "from this page.",
        required=True,
        error_messages={"required": "Tick to confirm: closing a case or sending the notice cannot be undone here."},
    )


class ClosureAnswerForm(forms.Form):
    """The recipient (or the initiating agency) answered the notice of intent to close (45 CFR 303.11(d)(3))."""

    answered_by = forms.ChoiceField(
        choices=[("recipient", "The recipient of services"), ("initiating_agency", "The initiating agency")],
        label="Who answered",
        initial="recipient",
    )
    answered_on = forms.DateField(widget=DateInput(), label="Date of the answer")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="What the answer said (information that could lead to paternity, an order or its enforcement; or "
        "contact reestablished)",
    )

    def clean_answered_on(self):
        return past_date(self.cleaned_data["answered_on"])


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Note")


class DocumentForm(forms.Form):
    """Attach a document to a case; the service checks the file by its content (PDF, PNG, JPEG, TIFF)."""

    file = forms.FileField(
        label="File (PDF, PNG, JPEG or TIFF)",
        allow_empty_file=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}),
    )
    kind = forms.ChoiceField(label="Kind of document", choices=[("", "Choose…"), *DocumentKind.choices])
    title = forms.CharField(
        max_length=200,
        required=False,
        label="Title",
        help_text='What it is, e.g. "Order of support, Family Court, March 2026". Never an '
        "address. Left empty, the file name is used.",
    )
    person = forms.TypedChoiceField(
        label="About",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="The person on the case the document is about, if any.",
    )
    shows_whereabouts_of = forms.TypedChoiceField(
        label="Shows where this person lives or works",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Mark it when the document shows an address, employer or phone of a person on the case. While that "
        "person has the family violence indicator the document is withheld from everyone (42 USC 654(26)).",
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = sorted(
            {(p.person_id, f"{p.person.display_name} ({p.get_role_display()})") for p in participants},
            key=lambda x: x[1],
        )
        self.fields["person"].choices = [("", "The whole case"), *people]
        self.fields["shows_whereabouts_of"].choices = [("", "No one's whereabouts"), *people]
        self.fields["file"].help_text = (
            f"At most {settings.CASEWORKS_DOCUMENT_MAX_BYTES / (1024 * 1024):g} MB. "
            "Checked by its content, not its name."
        )


class LocateAttemptForm(forms.Form):
    """A locate attempt; with the result "Found", optionally the address found (recorded as the
    person's new address from the attempt's date: ``cases.services.whereabouts.address_record``)."""

    source = forms.ChoiceField(choices=LocateSource.choices)
    attempted_on = forms.DateField(widget=DateInput)
    result = forms.ChoiceField(choices=LocateResult.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    def __init__(self, *args, withheld: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        found = address_fields(required=False, prefix="address_", withheld=withheld)
        for field in found.values():
            field.label = f"Address found: {str(field.label)[0].lower()}{str(field.label)[1:]}"
        found["address_line1"].label = "Address found: street (optional, with the result Found)"
        found["address_postal_code"].label = "Address found: ZIP code"
        self.fields.update(found)

    def clean_attempted_on(self):
        return past_date(self.cleaned_data["attempted_on"])

    def clean(self):
        cleaned = super().clean()
        address = address_checked(self, prefix="address_")
        if address and cleaned.get("result") not in (None, LocateResult.FOUND):
            self.add_error("result", 'An address can be recorded only with the result "Found".')
        cleaned["address"] = address or None
        for name in ADDRESS_NAMES:
            cleaned.pop(f"address_{name}", None)
        return cleaned


class AssistanceChangeForm(forms.Form):
    """A change of the family's assistance status (cases.services.case_assistance_change)."""

    status = forms.ChoiceField(choices=AssistanceStatus.choices, label="Assistance status")
    effective_on = forms.DateField(
        widget=DateInput,
        label="From",
        help_text="The first day of the new status (the open period ends the day before).",
    )

    def clean_effective_on(self):
        return past_date(self.cleaned_data["effective_on"])


class CaseDetailsForm(forms.Form):
    """A case's interstate details and (for a holder of ``cases.transfer_case``) its county."""

    interstate_role = forms.ChoiceField(label="Interstate role", choices=InterstateRole.choices)
    other_state = forms.CharField(
        max_length=2,
        required=False,
        label="Other state (2 letters)",
        help_text="Empty for a case that is not interstate.",
    )
    other_state_case_id = forms.CharField(max_length=40, required=False, label="Other state's case id")
    interstate_needed_on = forms.DateField(
        widget=DateInput,
        required=False,
        label="Need for a referral found on",
        help_text="Initiating cases only: the 20-day referral clock of 45 CFR 303.7 starts on this day.",
    )
    county = forms.ChoiceField(
        label="County",
        help_text="Moving the case hands it to that county: its caseworker is cleared and their coordinators asked to assign it.",
    )

    def __init__(self, *args, counties: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if counties is None:
            del self.fields["county"]  # not the user's to move (cases.transfer_case)
        else:
            cast(forms.ChoiceField, self.fields["county"]).choices = [(c, c) for c in counties]

    def clean_other_state(self):
        return self.cleaned_data["other_state"].strip().upper()


class InterstateReferralForm(forms.Form):
    interstate_referred_on = forms.DateField(
        widget=DateInput, label="Referral sent on", help_text="The day the referral went to the other state."
    )

    def clean_interstate_referred_on(self):
        return past_date(self.cleaned_data["interstate_referred_on"])


def _staff_choices():
    return get_user_model().objects.filter(is_active=True, groups__name="caseworker").order_by("username")


class ReassignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(queryset=None, label="Assign to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = _staff_choices()


class WorkItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_on = forms.DateField(widget=DateInput)
    priority = forms.TypedChoiceField(choices=WorkItemPriority.choices, coerce=int, initial=WorkItemPriority.NORMAL)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class BulkReassignForm(SelectedRowsForm, ReassignForm):
    """Reassign the rows ticked on a list (cases or work items); each row is checked again."""


class FviOverrideForm(forms.Form):
    court_name = forms.CharField(max_length=200)
    court_order_reference = forms.CharField(max_length=80)
    ordered_on = forms.DateField(widget=DateInput)
    agency = forms.ModelChoiceField(queryset=None, required=False, label="Court allowed to use it through the API")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import PartnerAgency

        self.fields["agency"].queryset = PartnerAgency.objects.filter(kind="court", is_active=True)

    def clean_ordered_on(self):
        return past_date(self.cleaned_data["ordered_on"])


class PersonMergeForm(forms.Form):
    survivor = forms.ChoiceField(widget=forms.RadioSelect, label="The record that stays")
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why these are the same person",
        help_text="For example: same SSN on the birth certificate; same person with a misspelt name.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(str(p.pk), f"{p.display_name} (person {p.pk})") for p in people]


class LetterReturnedForm(forms.Form):
    returned_on = forms.DateField(widget=DateInput, label="Date the mail came back")
    reason = forms.CharField(
        max_length=200,
        required=False,
        label="Reason on the envelope",
        help_text="For example: moved, no forwarding address; addressee unknown.",
    )


class OrderEndForm(ExplainedReasonForm):
    """Ending an order (``services.order_end.order_end``): the last day support is due and why."""

    other_reason, why = OrderEndReason.OTHER, "the order ends"

    ends_on = forms.DateField(
        widget=DateInput,
        label="Last day support is due",
        help_text="Nothing is charged after this day. Arrears already owed stay owed.",
    )
    reason = forms.ChoiceField(choices=OrderEndReason.choices, widget=forms.RadioSelect, label="Why the order ends")
    reason_text = forms.CharField(
        max_length=300, required=False, label="Explanation", help_text="Required when the reason is “Other”."
    )
    court_reference = forms.CharField(
        max_length=100, required=False, label="Court order or reference", help_text="If a court ended the order."
    )
    arrears_end = forms.BooleanField(
        required=False,
        label="The arrears-repayment line ends too",
        help_text="Leave unticked unless the court ended the repayment plan: the arrears remain payable.",
    )

    def clean_ends_on(self):
        return bounded_date(self.cleaned_data["ends_on"])


class ChildEndForm(ExplainedReasonForm):
    """Ending a child's participation in a case (``services.case_child_end``): when and why."""

    other_reason, why = ChildEndReason.OTHER, "the child's participation ends"

    ended_on = forms.DateField(
        widget=DateInput,
        label="Participation ended on",
        help_text="The day the child emancipated, died, went to live with the other parent or was adopted.",
    )
    reason = forms.ChoiceField(choices=ChildEndReason.choices, widget=forms.RadioSelect, label="Why it ended")
    reason_text = forms.CharField(
        max_length=300, required=False, label="Explanation", help_text="Required when the reason is “Other”."
    )

    def clean_ended_on(self):
        return past_date(self.cleaned_data["ended_on"])


class EmploymentForm(forms.Form):
    """A job of a participant (``cases.services.employment.employment_record``): the employer by its
    FEIN, or entered new when none is on file with it."""

    fein = forms.CharField(
        max_length=12, label="Employer's FEIN", help_text="9 digits, from the pay stub or the W-2 (12-3456789)."
    )
    started_on = forms.DateField(widget=DateInput, label="Started on")
    source = forms.ChoiceField(choices=[(s.value, s.label) for s in EMPLOYMENT_DESK_SOURCES], label="Who told us")
    gross_monthly_income = MoneyField(required=False, allow_zero=True, label="Gross monthly income (if known)")
    name = forms.CharField(max_length=200, required=False, label="Employer's name")
    line1 = forms.CharField(max_length=120, required=False, label="Address")
    line2 = forms.CharField(max_length=120, required=False, label="Address line 2")
    city = forms.CharField(max_length=80, required=False)
    state = forms.CharField(max_length=2, required=False, label="State (2 letters)")
    postal_code = forms.CharField(max_length=10, required=False, label="ZIP code")
    phone = forms.CharField(max_length=30, required=False, label="Payroll phone")
    contact_email = forms.EmailField(required=False, label="Payroll e-mail")

    def clean_fein(self):
        try:
            return fein_clean(self.cleaned_data["fein"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["fein"]) from exc

    def clean_started_on(self):
        return past_date(self.cleaned_data["started_on"])


class EmploymentEndForm(forms.Form):
    ended_on = forms.DateField(widget=DateInput, label="Last day worked")
    reason = forms.ChoiceField(choices=[(r.value, r.label) for r in EMPLOYMENT_DESK_END_REASONS])
    source = forms.ChoiceField(choices=[(s.value, s.label) for s in EMPLOYMENT_DESK_SOURCES], label="Who told us")

    def clean_ended_on(self):
        return past_date(self.cleaned_data["ended_on"])


class EmploymentConfirmForm(forms.Form):
    """A coordinator confirms a job awaiting confirmation (``services.employment.employment_confirm``)."""

    evidence = forms.CharField(
        max_length=200,
        label="The employer's written word",
        help_text="For example: verification of employment dated 12/01, on file. Do not name the employer: "
        "the case history shows this.",
    )


# -- corrections to a case document (cases.documents: whereabouts mark, withdrawal) ------------------


class DocumentWhereaboutsForm(forms.Form):
    """Whose whereabouts a document shows. On an unmarked document a person must be chosen (marking
    only restricts it); on a marked one (a coordinator's page) another person or no one, with a
    reason: that releases it (``cases.services.documents.document_whereabouts_mark``)."""

    shows_whereabouts_of = forms.TypedChoiceField(
        label="Shows where this person lives or works", coerce=int, empty_value=None
    )
    reason = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the mark is wrong",
        help_text="For example: the pay stub is the father's, not the mother's. Recorded in the case history "
        "and the security log. Never an address.",
    )

    def __init__(self, *args, participants=(), marked: bool = False, can_release: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        people = sorted(
            {(p.person_id, f"{p.person.display_name} ({p.get_role_display()})") for p in participants},
            key=lambda x: x[1],
        )
        field = self.fields["shows_whereabouts_of"]
        assert isinstance(field, forms.TypedChoiceField)
        if marked:
            field.required = False
            field.choices = [("", "No one: clear the mark"), *people]
            field.help_text = "Changing or clearing the mark releases the document to everyone who may open the case."
            if can_release:
                self.fields["reason"].required = True
            else:  # only a form sent by hand: the service refuses the release (403)
                del self.fields["reason"]
        else:
            field.choices = [("", "Choose…"), *people]
            field.help_text = "Only a coordinator can change or clear the mark afterwards."
            del self.fields["reason"]


class DocumentWithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it is withdrawn",
        help_text="For example: attached to the wrong case; attach it to the right case too. Do not name the other "
        "family or write their details here: the reason is shown to everyone who opens this case.",
    )
