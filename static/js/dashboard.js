/* The dashboard's charts (fupin.reports): data from the JSON endpoint named in
   #charts[data-url], labels from its data-label-* attributes (translated on the server).
   No inline script anywhere: the Content-Security-Policy forbids it. */
(function () {
  "use strict";

  var palette = ["#2f6f9f", "#3c9d5d", "#d9822b", "#c0392b", "#8e6bbf", "#5b8c85", "#b5a33a", "#7f8c8d"];

  function label(root, name) {
    return root.getAttribute("data-label-" + name) || name;
  }

  function chart(root, name) {
    var el = root.querySelector('[data-chart="' + name + '"]');
    if (!el || !window.echarts) return null;
    var c = window.echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }

  function empty(root, c) {
    c.setOption({ title: { text: label(root, "empty"), left: "center", top: "middle",
      textStyle: { color: "#888", fontSize: 14, fontWeight: "normal" } } });
  }

  function base(extra) {
    var o = { color: palette, tooltip: { trigger: "axis", confine: true },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" }, textStyle: { fontSize: 13 } };
    for (var k in extra) o[k] = extra[k];
    return o;
  }

  function draw(root, data) {
    var children = (data.children || []).filter(function (c) { return c.registered > 0 || c.overdue > 0; });
    var names = children.map(function (c) { return c.name; });

    var status = chart(root, "status");
    if (status) {
      if (!children.length) empty(root, status); else status.setOption(base({
        xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: label(root, "exited"), type: "bar", stack: "s", data: children.map(function (c) { return c.exited; }) },
          { name: label(root, "not-exited"), type: "bar", stack: "s", data: children.map(function (c) { return c.not_exited; }) },
          { name: label(root, "returned"), type: "bar", stack: "s", data: children.map(function (c) { return c.returned; }) }
        ]
      }));
    }

    var causes = chart(root, "causes");
    if (causes) {
      var rows = data.causes || [];
      if (!rows.length) empty(root, causes); else causes.setOption({
        color: palette, tooltip: { trigger: "item", confine: true, formatter: "{b}: {c} ({d}%)" },
        series: [{ type: "pie", radius: ["35%", "70%"], avoidLabelOverlap: true,
          label: { formatter: "{b}\n{c}" },
          data: rows.map(function (r) { return { name: r.name, value: r.value }; }) }]
      });
    }

    var exits = chart(root, "exits");
    if (exits) {
      var ex = data.exits_by_year || [];
      if (!ex.length) empty(root, exits); else exits.setOption(base({
        xAxis: { type: "category", data: ex.map(function (r) { return String(r.year); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: label(root, "households"), type: "bar", data: ex.map(function (r) { return r.households; }),
            label: { show: true, position: "top" } },
          { name: label(root, "later-returned"), type: "line", data: ex.map(function (r) { return r.returned; }) }
        ]
      }));
    }

    var measures = chart(root, "measures");
    if (measures) {
      var ms = data.measures_by_category || [];
      if (!ms.length) empty(root, measures); else measures.setOption(base({
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: ms.map(function (r) { return r.name; }), inverse: true },
        series: [{ name: label(root, "households"), type: "bar", data: ms.map(function (r) { return r.households; }),
          label: { show: true, position: "right" } }]
      }));
    }

    var pairing = chart(root, "pairing");
    if (pairing) {
      var cov = children.filter(function (c) { return c.coverage !== null; });
      if (!cov.length) empty(root, pairing); else pairing.setOption(base({
        xAxis: { type: "category", data: cov.map(function (c) { return c.name; }),
          axisLabel: { interval: 0, rotate: cov.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", max: 100 },
        series: [{ name: label(root, "coverage"), type: "bar", data: cov.map(function (c) { return c.coverage; }),
          label: { show: true, position: "top", formatter: "{c}%" } }]
      }));
    }

    var overdue = chart(root, "overdue");
    if (overdue) {
      if (!children.length || !data.overdue_known) empty(root, overdue); else overdue.setOption(base({
        xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: label(root, "overdue"), type: "bar", itemStyle: { color: "#c0392b" },
          data: children.map(function (c) { return c.overdue; }), label: { show: true, position: "top" } }]
      }));
    }
  }

  function start() {
    var root = document.getElementById("charts");
    if (!root) return;
    fetch(root.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) { draw(root, data); })
      .catch(function () { root.classList.add("chart-failed"); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
