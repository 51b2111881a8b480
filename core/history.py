"""``HistoricalRecords`` for every audited model: django-simple-history's, with the history manager's
class made once per model.

The library's descriptor (``simple_history.manager.HistoryDescriptor``) builds the manager class
again (``Manager.from_queryset``: an ``inspect`` of every ``QuerySet`` method) on every access to
``instance.history`` or ``Model.history``, and its ``post_save`` handler reads it on every save of
an audited row: about 0.7 ms of CPU a save, a tenth of a typical test and of a busy desk's writes
(issue 18.1). The class does not change between accesses, so it is made when the model is."""

from __future__ import annotations

from simple_history import models as simple_history
from simple_history.manager import HistoryDescriptor


class _HistoryDescriptor(HistoryDescriptor):
    def __init__(self, model, manager, queryset) -> None:
        super().__init__(model, manager=manager, queryset=queryset)
        self.manager_class_made = manager.from_queryset(queryset)

    def __get__(self, instance, owner):
        return self.manager_class_made(self.model, instance)


class HistoricalRecords(simple_history.HistoricalRecords):
    def finalize(self, sender, **kwargs) -> None:
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:  # the library set it up for this model
            made = _HistoryDescriptor(descriptor.model, descriptor.manager_class, descriptor.queryset_class)
            setattr(sender, self.manager_name, made)


def is_history_model(model: type) -> bool:
    """Whether ``model`` is a field-history model (a row's past versions: kept as they were)."""
    return issubclass(model, simple_history.HistoricalChanges)
