"""What a wizard page needs from the proposal wizard (trình hướng dẫn nhập đề án).

Pages depend on this protocol, not on the wizard class, so the wizard module can
import every page without a loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kcdesk.services.forms.spec import ActivitySpec
from kcdesk.services.proposals.draft import ProposalInput
from kcdesk.services.proposals.template import ProposalTemplate
from kcdesk.services.proposals.validation import Problem
from kcdesk.ui.app_context import AppContext

if TYPE_CHECKING:
    from kcdesk.ui.wizard.common import WizardPageBase


class WizardHost(Protocol):
    """The proposal wizard as its pages see it."""

    ctx: AppContext
    template: ProposalTemplate
    activities: dict[str, ActivitySpec]
    data: ProposalInput

    def collect(self, page: WizardPageBase | None = None) -> list[Problem]: ...

    def all_problems(self) -> list[Problem]: ...

    def validate_page(self, page: WizardPageBase) -> bool: ...

    def go_to_field(self, field: str) -> None: ...
