"""POST data from an admin page as a browser would send it: the form's fields as shown, and its inlines."""

import datetime


def form_data(form) -> dict:
    """Each field of `form` with the value it shows (bound or initial), encoded as a browser would."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            value = ""
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[bound.html_name] = str(value)
    return data


def page_data(response) -> dict:
    """The POST data of an admin change (or history) page: its form and its inline formsets."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data
