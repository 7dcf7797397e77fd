/* tva-flow: a BPMN diagram with where a case stands, in the bpmn-js NavigatedViewer.
 *
 * Needs vendor/bpmn-js/bpmn-navigated-viewer.production.min.js (the global BpmnJS) and css/diagram.css.
 * Every element with the attribute data-tva-diagram is rendered when the page has loaded:
 *
 *   <div data-tva-diagram
 *        data-bpmn-url="/…/startup_grant.bpmn"           the BPMN XML, fetched (same-origin cookies)…
 *        data-active='["assess_application"]'            JSON lists of element ids
 *        data-completed='["application_started", "submit_application"]'
 *        data-completed-flows='["flow_…"]'               optional: the sequence flows taken
 *        data-infer-flows="true"                         optional, without data-completed-flows: mark a flow
 *                                                        taken when its source is completed and its target is
 *                                                        completed or active (a guess: loops can fool it)
 *        data-diagram-id="…"                             optional: which BPMNDiagram of the file
 *        data-focus-scale="0.8"                          optional: if fitting the whole diagram makes it
 *                                                        smaller than this, centre the active steps at this
 *                                                        scale instead
 *        data-label="Prosessikaavio: Starttiraha"        the diagram's accessible name
 *        data-label-active="Käynnissä" data-label-completed="Tehty" data-label-error="Kaaviota ei voitu näyttää"
 *        data-text-target="steps-text">                  optional: id of the element to write the text into
 *     <script type="application/json">"<?xml …"</script>  …or inline: a JSON string (Jinja's |tojson, safe
 *   </div>                                                in HTML) or <script type="application/xml">
 *
 * The diagram (svg) can be moved with the keyboard once focused, but its content is not accessible, so the
 * script also writes a text alternative: the active and the completed steps by name, as lists (visually
 * hidden unless data-text-visible="true"), which the svg names in aria-describedby. Pages should still
 * list the active steps in their own text. Ids that are not in this diagram (e.g. steps of a called
 * subprocess in another file) are skipped and listed in data-missing.
 *
 * When done the container has data-state="rendered" (or "error") and fires "tva:diagram-rendered" with
 * {active, completed, completedFlows, missing, viewer}; window.tvaDiagram.render(element) renders one on
 * demand and resolves to the same.
 */
(function () {
  "use strict";

  var counter = 0;

  function list(value) {
    if (!value) { return []; }
    try {
      var parsed = JSON.parse(value);
      return Array.isArray(parsed) ? parsed.filter(function (x) { return typeof x === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function unique(ids) {
    var seen = Object.create(null);
    return ids.filter(function (id) { return seen[id] ? false : (seen[id] = true); });
  }

  /* The XML: inline in a <script type="application/json|xml"> child, or fetched from data-bpmn-url. */
  function source(container, urlAttribute) {
    var inline = container.querySelector('script[type="application/json"], script[type="application/xml"]');
    if (inline) {
      return new Promise(function (resolve) {  // a JSON error rejects, like a failed fetch
        resolve(inline.type === "application/json" ? JSON.parse(inline.textContent) : inline.textContent.trim());
      });
    }
    var url = container.getAttribute(urlAttribute);
    if (!url) { return Promise.reject(new Error("no " + urlAttribute + " and no inline XML")); }
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + " answered " + response.status); }
      return response.text();
    });
  }

  function nameOf(element) {
    var name = element.businessObject && element.businessObject.name;
    return (name || element.id).replace(/\s+/g, " ").trim();
  }

  function textAlternative(container, id, sections, visible) {
    var targetId = container.getAttribute("data-text-target");
    var box = (targetId && document.getElementById(targetId)) || document.createElement("div");
    box.id = box.id || id;
    box.classList.add("tva-diagram__text");
    if (!visible) { box.classList.add("tva-diagram__text--hidden"); }
    box.textContent = "";
    sections.forEach(function (section) {
      if (!section.elements.length) { return; }
      var heading = document.createElement("p");
      heading.className = "tva-diagram__text-heading";
      heading.textContent = section.label;
      var items = document.createElement("ul");
      items.className = "tva-diagram__" + section.key;
      section.elements.forEach(function (element) {
        var item = document.createElement("li");
        item.textContent = nameOf(element);
        item.setAttribute("data-element-id", element.id);
        items.appendChild(item);
      });
      box.appendChild(heading);
      box.appendChild(items);
    });
    if (!box.parentNode) { container.appendChild(box); }
    return box;
  }

  function inferFlows(registry, completed, active) {
    var done = Object.create(null), reached = Object.create(null);
    completed.forEach(function (id) { done[id] = reached[id] = true; });
    active.forEach(function (id) { reached[id] = true; });
    return registry.filter(function (element) {
      return element.type === "bpmn:SequenceFlow" && element.source && element.target &&
        done[element.source.id] && reached[element.target.id];
    }).map(function (element) { return element.id; });
  }

  function badge(label) {
    var html = document.createElement("span");
    html.className = "tva-diagram__badge";
    html.setAttribute("aria-hidden", "true");
    html.textContent = label;
    return html;
  }

  /* A large diagram fitted into its box is too small to read: when the fitted scale is below focusScale,
     show the active elements in the middle at that scale instead (the user can still zoom out). */
  function focus(canvas, elements, focusScale) {
    var box = canvas.viewbox();
    if (!elements.length || !(focusScale > box.scale)) { return; }
    var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    elements.forEach(function (element) {
      var x = element.x, y = element.y, width = element.width || 0, height = element.height || 0;
      if (element.waypoints) {  // a connection: the box around its points
        element.waypoints.forEach(function (point) {
          left = Math.min(left, point.x); top = Math.min(top, point.y);
          right = Math.max(right, point.x); bottom = Math.max(bottom, point.y);
        });
        return;
      }
      left = Math.min(left, x); top = Math.min(top, y);
      right = Math.max(right, x + width); bottom = Math.max(bottom, y + height);
    });
    var width = box.outer.width / focusScale, height = box.outer.height / focusScale;
    canvas.viewbox({ x: (left + right) / 2 - width / 2, y: (top + bottom) / 2 - height / 2, width: width, height: height });
  }

  function render(container) {
    if (typeof window.BpmnJS !== "function") {
      return Promise.reject(new Error("bpmn-js is not loaded"));
    }
    var id = "tva-diagram-" + (++counter);
    var label = container.getAttribute("data-label") || "BPMN diagram";
    var labels = {
      active: container.getAttribute("data-label-active") || "Active",
      completed: container.getAttribute("data-label-completed") || "Completed",
      error: container.getAttribute("data-label-error") || "The diagram could not be shown."
    };
    var wanted = {
      active: unique(list(container.getAttribute("data-active"))),
      completed: unique(list(container.getAttribute("data-completed"))),
      flows: container.hasAttribute("data-completed-flows") ? unique(list(container.getAttribute("data-completed-flows"))) : null
    };
    container.classList.add("tva-diagram");
    container.setAttribute("data-state", "loading");
    var canvasBox = document.createElement("div");
    canvasBox.className = "tva-diagram__canvas";
    container.appendChild(canvasBox);
    var viewer = new window.BpmnJS({ container: canvasBox });

    return source(container, "data-bpmn-url").then(function (xml) {
      var diagramId = container.getAttribute("data-diagram-id");
      return diagramId ? viewer.importXML(xml, diagramId) : viewer.importXML(xml);
    }).then(function () {
      var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry"), overlays = viewer.get("overlays");
      var missing = [];
      function present(ids) {
        return ids.filter(function (elementId) {
          if (registry.get(elementId)) { return true; }
          missing.push(elementId);
          return false;
        });
      }
      var active = present(wanted.active);
      // an element active now (a loop's second round) shows as active, not as completed
      var completed = present(wanted.completed).filter(function (elementId) { return active.indexOf(elementId) < 0; });
      var flows = wanted.flows !== null ? present(wanted.flows)
        : container.getAttribute("data-infer-flows") === "true" ? inferFlows(registry.getAll(), completed, active) : [];
      completed.concat(flows).forEach(function (elementId) { canvas.addMarker(elementId, "completed"); });
      active.forEach(function (elementId) {
        canvas.addMarker(elementId, "active");
        var shape = registry.get(elementId);  // an expanded subprocess: outlined, not filled over its steps
        if (shape && shape.children && shape.children.length) { canvas.addMarker(elementId, "container"); }
        overlays.add(elementId, "tva-state", { position: { top: -14, left: 0 }, html: badge(labels.active) });
      });
      canvas.zoom("fit-viewport", "auto");
      focus(canvas, active.map(function (x) { return registry.get(x); }),
            parseFloat(container.getAttribute("data-focus-scale")));

      var text = textAlternative(container, id + "-text", [
        { key: "active", label: labels.active, elements: active.map(function (x) { return registry.get(x); }) },
        { key: "completed", label: labels.completed, elements: completed.map(function (x) { return registry.get(x); }) }
      ], container.getAttribute("data-text-visible") === "true");
      var svg = canvasBox.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", label);
        svg.setAttribute("aria-describedby", text.id);
      }
      var result = { active: active, completed: completed, completedFlows: flows, missing: missing, viewer: viewer };
      container.setAttribute("data-missing", JSON.stringify(missing));
      container.setAttribute("data-state", "rendered");
      container.dispatchEvent(new CustomEvent("tva:diagram-rendered", { detail: result }));
      return result;
    }).catch(function (error) {
      container.setAttribute("data-state", "error");
      var message = document.createElement("p");
      message.className = "tva-diagram__error";
      message.setAttribute("role", "alert");
      message.textContent = labels.error;
      container.appendChild(message);
      if (window.console) { window.console.error("tva-flow diagram:", error); }
      throw error;
    });
  }

  function renderAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-tva-diagram]"), function (container) {
      if (!container.hasAttribute("data-state")) { render(container).catch(function () {}); }
    });
  }

  window.tvaDiagram = { render: render, renderAll: renderAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
}());
