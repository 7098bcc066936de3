"use strict";
// The admin's event form offers only the values the chosen kind takes. Each option of the value menu
// names the kinds it fits in data-kinds (treaties/forms.py KindValueSelect); without this script every
// option shows, labelled "Kind: value". A kind whose value is free text (a territorial application's
// territories) gets the text box beside the menu instead of the menu.
(function () {
  // Dates in the calendar widget are written as on the public pages, YYYY-MM-DD (the admin's date fields
  // show and accept that format; see treaties/admin.py).
  if (window.django && window.django.formats && window.django.formats.DATE_INPUT_FORMATS) {
    const formats = window.django.formats.DATE_INPUT_FORMATS.filter((f) => f !== "%Y-%m-%d");
    window.django.formats.DATE_INPUT_FORMATS = ["%Y-%m-%d"].concat(formats);
  }

  function fitsFreeText(box, chosen) {
    return (box.dataset.kinds || "").split(" ").includes(chosen);
  }

  function offer(kind, value, box) {
    const chosen = kind.value;
    const free = Boolean(box) && Boolean(chosen) && fitsFreeText(box, chosen);
    if (box) {
      box.hidden = Boolean(chosen) && !free;
      value.hidden = free;
      if (free) return;
    }
    for (const option of value.options) {
      const fits = !chosen || (option.dataset.kinds || "").split(" ").includes(chosen);
      option.hidden = !fits;
      option.disabled = !fits;
    }
    const selected = value.options[value.selectedIndex];
    if (!selected || selected.disabled) {
      const first = Array.from(value.options).find((option) => !option.disabled);
      if (first) first.selected = true;
    }
  }

  function start() {
    const kind = document.getElementById("id_kind");
    const value = document.getElementById("id_value");
    if (!kind || !value || !value.options) return;
    const text = document.getElementById("id_value_text");
    const box = text ? text.closest(".kind-free-value") : null;
    offer(kind, value, box);
    kind.addEventListener("change", () => offer(kind, value, box));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
