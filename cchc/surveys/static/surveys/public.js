// The public survey form, progressively enhanced: a question asked only after certain
// answers is hidden until one of them is picked (without JavaScript every question shows,
// with a note saying when to answer it). Hidden questions are disabled, so not sent.
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  if (!form) {
    return;
  }
  var dependents = form.querySelectorAll("[data-show-if]");

  function picked(code) {
    var values = [];
    form.querySelectorAll("[name='" + code + "']").forEach(function (input) {
      if (input.disabled) {
        return;
      }
      var choice = input.type === "radio" || input.type === "checkbox";
      if ((choice && input.checked) || (!choice && input.value)) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update() {
    dependents.forEach(function (block) {
      var wanted = block.getAttribute("data-show-values").split(" ");
      var shown = picked(block.getAttribute("data-show-if")).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      block.hidden = !shown;
      block.querySelectorAll("input, textarea, select").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  form.addEventListener("change", update);
  update();
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
