"""The memo form a guide fills in for the patron, and the filter of shared instructions."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookings.forms import ChoiceOfRow, ChoiceOfRows
from bookings.memos import links_from_text
from bookings.models import Instruction, Topic

TEXT_MAX = 2000


def _text(label, *, required, help_text="", rows=4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": _("Please write in a few words what you did together."),
            "max_length": _("Please keep it shorter: at most %(limit_value)d characters."),
        },
    )


class InstructionChoices(ChoiceOfRows):
    def label_from_instance(self, instruction: Instruction) -> str:
        parts = [instruction.get_language_display()]
        if instruction.topic:
            parts.append(instruction.topic.name)
        return f"{instruction.published['title']} ({', '.join(parts)})"


class MemoForm(forms.Form):
    what_we_did = _text(_("What we did"), required=True, rows=3)
    next_steps = _text(
        _("Next steps"),
        required=False,
        help_text=_("One step a line; the patron sees them numbered."),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_(
            "One link a line: the address (https://…), a space, and the text to show, e.g. "
            "“https://www.suomi.fi Suomi.fi”."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Please keep the links shorter: at most %(limit_value)d characters.")
        },
    )
    instructions = InstructionChoices(
        label=_("Shared instructions to add"),
        help_text=_("Shared instructions are written and published in the admin."),
        queryset=Instruction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "One of the chosen instructions is not published (any more). Please choose "
                "again from the list."
            ),
            "invalid_pk_value": _("Please choose the instructions from the list."),
        },
    )

    def __init__(self, *args, instructions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instructions"].queryset = instructions
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_links(self) -> list[dict[str, str]]:
        try:
            return links_from_text(self.cleaned_data["links"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class InstructionFilterForm(forms.Form):
    topic = ChoiceOfRow(
        label=_("Topic"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label=_("All topics"),
        error_messages={"invalid_choice": _("Please choose a topic from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *settings.LANGUAGES],
        error_messages={"invalid_choice": _("Please choose a language from the list.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
