"""The public forms (booking, waiting list) in Bootstrap 5 markup, rendered lean.

These are the forms every patron loads, so they skip crispy-forms (which lays out the staff
forms): with it, Django's template language spent about 18 of the booking form's 28 ms of CPU
on the fields. Our own form and field templates (digiopas/jinja2/forms/) go through Django's
Jinja2 form renderer and keep what accessibility needs in one place: a label, or a fieldset
with a legend for a choice group; help text and errors tied to the input by aria-describedby,
and aria-invalid (both from Django's BoundField). The pages around them stay Django templates.
"""

from django import forms
from django.forms import BoundField
from django.forms.renderers import Jinja2


class BootstrapBoundField(BoundField):
    """Adds Bootstrap's class for the kind of input, and its error style."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        input_type = getattr(widget, "input_type", None)
        if input_type in ("checkbox", "radio"):
            css = "form-check-input"
        elif input_type == "select":
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        own = widget.attrs.get("class") or attrs.get("class")
        attrs["class"] = f"{own} {css}" if own else css
        return attrs


class BootstrapFormRenderer(Jinja2):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField


# One renderer, so its Jinja2 environment and compiled templates are made once per process.
BOOTSTRAP = BootstrapFormRenderer()


class BootstrapForm(forms.Form):
    """Base of the public forms. Not project-wide: the admin's widgets need Django's templates."""

    default_renderer = BOOTSTRAP
