/* Conditional form fields (JSON Schema if/then/else): a field whose wrapper has data-show-when is shown
   only while one of its conditions holds, and is then required if it carries data-required-when-shown.
   A hidden field's inputs are disabled, so what it held is not sent. Without this script every field is
   shown and the server checks the conditions (web/form_model.py writes data-show-when).
   data-show-when = [{"all": [{"field": "x", "in": ["true"]}, ...], "negate": false}, ...] */
(function () {
  "use strict";
  var form = document.getElementById("task-form");
  if (!form) { return; }
  var wrappers = Array.prototype.slice.call(form.querySelectorAll("[data-show-when]"));
  if (!wrappers.length) { return; }

  function valueOf(name) {
    var inputs = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.disabled) { return; }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function holds(condition) {
    var all = condition.all.every(function (test) {
      var values = valueOf(test.field);
      return values.length > 0 && values.some(function (v) { return test["in"].indexOf(v) !== -1; });
    });
    return condition.negate ? !all : all;
  }

  function update() {
    // a shown field may make another's condition hold: repeat until nothing changes (chains are short)
    for (var round = 0; round < 5; round += 1) {
      var changed = false;
      wrappers.forEach(function (wrapper) {
        var conditions;
        try { conditions = JSON.parse(wrapper.getAttribute("data-show-when")); } catch (e) { return; }
        var show = conditions.some(holds);
        if (wrapper.hidden === show) { changed = true; }
        wrapper.hidden = !show;
        Array.prototype.forEach.call(wrapper.querySelectorAll("input, select, textarea"), function (input) {
          input.disabled = !show;
          if (input.hasAttribute("data-required-when-shown") && input.type !== "checkbox") {
            input.required = show;
          }
        });
      });
      if (!changed) { return; }
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
