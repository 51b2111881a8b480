"""Access rules of the cases app beyond plain model permissions."""

from __future__ import annotations


def can_view_fti(user) -> bool:
    """Federal tax information (tax-offset sources; IRS Publication 1075): holders of
    ``cases.view_fti`` whose FTI awareness training is current. Everyone else sees the payment's
   date and amount only. The training check is registered by the training app
    (``core.hooks.fti_access_checks``); with no check registered, access fails closed."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm("cases.view_fti"):
        return False
    from core.hooks import fti_checks_pass

    return fti_checks_pass(user)


def can_view_ssn(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("cases.view_ssn")
