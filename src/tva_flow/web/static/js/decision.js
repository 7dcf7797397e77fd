/* tva-flow: a DMN decision table in the dmn-js viewer (read only).
 *
 * Needs vendor/dmn-js/dmn-viewer.production.min.js (the global DmnJS) and its css under vendor/dmn-js/assets/.
 * Every element with the attribute data-tva-decision is rendered when the page has loaded:
 *
 *   <div data-tva-decision
 *        data-dmn-url="/…/startup_grant_eligibility.dmn"   the DMN XML, fetched (same-origin cookies)…
 *        data-decision-id="startup_grant_eligibility"      optional: which decision (default: the first table)
 *        data-label="Päätöstaulu: …"                       the region's accessible name
 *        data-label-views="Päätökset"                      the name of the list of decisions (several in a file)
 *        data-label-error="Päätöstaulua ei voitu näyttää"
 *        data-translations='{"When": "Kun", "And": "Ja", "Then": "Niin", "Annotations": "Huomautukset"}'>
 *     <script type="application/json">"<?xml …"</script>    …or inline: a JSON string (Jinja's |tojson) or
 *   </div>                                                  <script type="application/xml">
 *
 * The decision table is an HTML table (inputs, outputs and the annotation column, where tva-flow writes the
 * legal source of each rule). A file with several decisions gets a row of buttons to switch between them.
 * When done the container has data-state="rendered" (or "error"), data-decision naming the decision shown,
 * and fires "tva:decision-rendered" with {decision, views}. window.tvaDecision.render(element) renders one
 * on demand; window.tvaDecision.show(element, decisionId) switches.
 */
(function () {
  "use strict";

  var SHOWN = ["decisionTable", "literalExpression", "boxedExpression"];

  function source(container) {
    var inline = container.querySelector('script[type="application/json"], script[type="application/xml"]');
    if (inline) {
      return new Promise(function (resolve) {  // a JSON error rejects, like a failed fetch
        resolve(inline.type === "application/json" ? JSON.parse(inline.textContent) : inline.textContent.trim());
      });
    }
    var url = container.getAttribute("data-dmn-url");
    if (!url) { return Promise.reject(new Error("no data-dmn-url and no inline XML")); }
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + " answered " + response.status); }
      return response.text();
    });
  }

  /* dmn-js's texts ("When", "And", "Then", "Annotations", "Hit policy:", "View DRD" …) in the page's language:
     data-translations is a JSON object from the English text to the translation. */
  function translations(json) {
    var dictionary = {};
    try { dictionary = JSON.parse(json || "{}") || {}; } catch (e) { dictionary = {}; }
    function translate(template, replacements) {
      replacements = replacements || {};
      return (dictionary[template] || template).replace(/{([^}]+)}/g, function (match, key) {
        return Object.prototype.hasOwnProperty.call(replacements, key) ? replacements[key] : match;
      });
    }
    return { translate: ["value", translate] };
  }

  function decisions(viewer) {
    return viewer.getViews().filter(function (view) { return SHOWN.indexOf(view.type) >= 0; });
  }

  function title(view) {
    return (view.element.name || view.element.id).replace(/\s+/g, " ").trim();
  }

  function markPressed(nav, decisionId) {
    if (!nav) { return; }
    Array.prototype.forEach.call(nav.querySelectorAll("button"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-decision") === decisionId));
    });
  }

  function open(container, viewer, nav, decisionId) {
    var views = decisions(viewer);
    var view = views.filter(function (v) { return v.element.id === decisionId; })[0] || views[0];
    if (!view) { return Promise.reject(new Error("the file has no decision table")); }
    return viewer.open(view).then(function () {
      container.setAttribute("data-decision", view.element.id);
      markPressed(nav, view.element.id);
      return view;
    });
  }

  function switcher(container, viewer, views, label) {
    var nav = document.createElement("nav");
    nav.className = "tva-decision__views";
    nav.setAttribute("aria-label", label);
    var items = document.createElement("ul");
    views.forEach(function (view) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "tva-decision__view";
      button.setAttribute("data-decision", view.element.id);
      button.textContent = title(view);
      button.addEventListener("click", function () { show(container, view.element.id); });
      item.appendChild(button);
      items.appendChild(item);
    });
    nav.appendChild(items);
    return nav;
  }

  function render(container) {
    if (typeof window.DmnJS !== "function") {
      return Promise.reject(new Error("dmn-js is not loaded"));
    }
    var errorLabel = container.getAttribute("data-label-error") || "The decision table could not be shown.";
    container.classList.add("tva-decision");
    container.setAttribute("data-state", "loading");
    // the table scrolls sideways inside this box, which keyboard users can therefore focus (and scroll)
    var tableBox = document.createElement("div");
    tableBox.className = "tva-decision__table";
    tableBox.setAttribute("role", "region");
    tableBox.setAttribute("aria-label", container.getAttribute("data-label") || "DMN decision");
    tableBox.setAttribute("tabindex", "0");
    container.appendChild(tableBox);
    // dmn-js gives each view its own additionalModules (a "common" one would be overwritten)
    var translate = translations(container.getAttribute("data-translations"));
    var options = { container: tableBox };
    ["drd"].concat(SHOWN).forEach(function (type) { options[type] = { additionalModules: [translate] }; });
    var viewer = new window.DmnJS(options);
    container.tvaDmnViewer = viewer;
    var nav = null;
    viewer.on("views.changed", function (event) {  // also when dmn-js's own "View DRD" button is used
      var active = event.activeView;
      markPressed(container.tvaDecisionNav, active && SHOWN.indexOf(active.type) >= 0 ? active.element.id : null);
    });

    return source(container).then(function (xml) {
      return viewer.importXML(xml);
    }).then(function () {
      var views = decisions(viewer);
      if (views.length > 1) {
        nav = switcher(container, viewer, views, container.getAttribute("data-label-views") || "Decisions");
        container.insertBefore(nav, tableBox);
      }
      container.tvaDecisionNav = nav;
      return open(container, viewer, nav, container.getAttribute("data-decision-id"));
    }).then(function (view) {
      var result = { decision: view.element.id, views: decisions(viewer).map(function (v) { return v.element.id; }) };
      container.setAttribute("data-state", "rendered");
      container.dispatchEvent(new CustomEvent("tva:decision-rendered", { detail: result }));
      return result;
    }).catch(function (error) {
      container.setAttribute("data-state", "error");
      var message = document.createElement("p");
      message.className = "tva-decision__error";
      message.setAttribute("role", "alert");
      message.textContent = errorLabel;
      container.appendChild(message);
      if (window.console) { window.console.error("tva-flow decision:", error); }
      throw error;
    });
  }

  function show(container, decisionId) {
    var viewer = container.tvaDmnViewer;
    if (!viewer) { return Promise.reject(new Error("not rendered")); }
    return open(container, viewer, container.tvaDecisionNav, decisionId);
  }

  function renderAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-tva-decision]"), function (container) {
      if (!container.hasAttribute("data-state")) { render(container).catch(function () {}); }
    });
  }

  window.tvaDecision = { render: render, renderAll: renderAll, show: show };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
}());
