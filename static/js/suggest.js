// Suggestions while typing in any search box with [data-suggest]: fills a native <datalist>, so
// keyboard and screen-reader behaviour come from the browser. No build step, no inline script.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        last = text;
        fetch("/api/v1/suggest/?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (!data) { return; }
            var values = [];
            data.solutions.forEach(function (s) { values.push(s.title); });
            data.topics.forEach(function (t) { values.push(t.name); });
            data.municipalities.forEach(function (m) { values.push(m.name); });
            list.replaceChildren.apply(list, values.slice(0, 10).map(function (value) {
              var option = document.createElement("option");
              option.value = value;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a convenience; typing still works */ });
      }, 200);
    });
  });
})();
