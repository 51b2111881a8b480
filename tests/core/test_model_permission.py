"""``PermissionMixin.model_permission``: a read page of one model needs its view permission unless it
declares another (set when the class is made, so the every-URL test reads it as declared)."""

from core.views import FilteredListView, ObjectDetailView
from outreach.models import Event, Organisation
from outreach.views import OrganisationDetailView, OrganisationListView
from training.models import NeedsSurvey
from training.views import NeedsResultsView


def test_real_read_pages_need_their_models_view_permission():
    assert OrganisationListView.permission_required == "outreach.view_organisation"
    assert OrganisationDetailView.permission_required == "outreach.view_organisation"


def test_a_declared_permission_is_kept():
    assert NeedsResultsView.model is NeedsSurvey
    assert NeedsResultsView.permission_required == "training.view_needsresponse"


def test_a_subclass_with_another_model_needs_that_models_permission_and_one_without_inherits():
    class Parent(ObjectDetailView):
        model = Organisation

    class OtherModel(Parent):
        model = Event

    class SameModel(Parent):
        template_name = "x.html"

    class Declared(FilteredListView):
        model = Event
        permission_required = ("outreach.view_event", "outreach.change_event")

    class DeclaredThenNewModel(Declared):
        model = Organisation

    assert Parent.permission_required == "outreach.view_organisation"
    assert OtherModel.permission_required == "outreach.view_event"
    assert SameModel.permission_required == "outreach.view_organisation"
    assert Declared.permission_required == ("outreach.view_event", "outreach.change_event")
    assert DeclaredThenNewModel.permission_required == "outreach.view_organisation"
