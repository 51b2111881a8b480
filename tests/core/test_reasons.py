"""``core.reasons``: a reason from a list, and "Other" explained in a few words."""

import pytest
from django.core.exceptions import ValidationError

from cases.choices import OrderEndReason
from core.reasons import reason_explained


def test_an_explanation_is_cleaned():
    assert reason_explained(OrderEndReason.OTHER, "  the court\x00 said so ", choices=OrderEndReason, why="x") == (
        "the court said so"
    )


def test_other_needs_a_few_words_of_why():
    with pytest.raises(ValidationError) as refused:
        reason_explained(OrderEndReason.OTHER, " no ", choices=OrderEndReason, why="the order ends")
    assert refused.value.message_dict == {"reason_text": ["Say why the order ends."]}


def test_a_reason_off_the_list_is_refused():
    with pytest.raises(ValidationError) as refused:
        reason_explained("whim", "a long enough story", choices=OrderEndReason, why="the order ends")
    assert refused.value.message_dict == {"reason": ["Choose why the order ends."]}
