/* Cost analysis charts: data from json_script; richText tooltips (no inline styles under CSP). */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function yuan(value) {
    return "¥" + Number(value || 0).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function axisTooltip(params) {
    var lines = [params[0].name];
    params.forEach(function (p) { lines.push(p.seriesName + ": " + yuan(p.value)); });
    return lines.join("\n");
  }

  function empty(node, text) {
    node.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted");
    node.textContent = text;
  }

  var charts = [];

  function init(id) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return null;
    return node;
  }

  function trend(data) {
    var node = init("cost-trend");
    if (!node) return;
    var chart = echarts.init(node);
    var t = data.trend;
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText", formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: 70, right: 70, top: 36, bottom: 28 },
      xAxis: { type: "category", data: t.months },
      yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
      series: [
        { name: data.labels.budget, type: "bar", data: t.budget, itemStyle: { color: "#9ec5fe" } },
        { name: data.labels.committed, type: "bar", stack: "used", data: t.committed, itemStyle: { color: "#ffda6a" } },
        { name: data.labels.actual, type: "bar", stack: "used", data: t.actual, itemStyle: { color: "#0d6efd" } },
        { name: data.labels.cumulative_budget, type: "line", yAxisIndex: 1, symbol: "none", data: t.cumulative_budget, lineStyle: { type: "dashed", color: "#6c757d" }, itemStyle: { color: "#6c757d" } },
        { name: data.labels.cumulative_actual, type: "line", yAxisIndex: 1, symbol: "circle", data: t.cumulative_actual, lineStyle: { color: "#dc3545" }, itemStyle: { color: "#dc3545" } }
      ]
    });
    charts.push(chart);
  }

  function departments(data) {
    var node = init("cost-departments");
    if (!node) return;
    var d = data.departments;
    if (!d.names.length) { empty(node, data.labels.empty); return; }
    var chart = echarts.init(node);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText", formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: 70, right: 16, top: 36, bottom: 40 },
      xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 8 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: [
        { name: data.labels.budget, type: "bar", data: d.budget, itemStyle: { color: "#9ec5fe" } },
        { name: data.labels.committed, type: "bar", data: d.committed, itemStyle: { color: "#ffda6a" } },
        { name: data.labels.actual, type: "bar", data: d.actual, itemStyle: { color: "#0d6efd" } }
      ]
    });
    // Drill down: a click on a department opens the documents behind its figures.
    chart.on("click", function (params) {
      var url = d.links[params.dataIndex];
      if (url) window.location.href = url;
    });
    charts.push(chart);
  }

  function categories(data) {
    var node = init("cost-categories");
    if (!node) return;
    if (!data.categories.length) { empty(node, data.labels.empty); return; }
    var chart = echarts.init(node);
    chart.setOption({
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: function (p) { return p.name + "\n" + yuan(p.value) + " (" + p.percent + "%)"; }
      },
      series: [{ type: "pie", radius: ["35%", "70%"], data: data.categories }]
    });
    chart.on("click", function (params) {
      var url = data.categories[params.dataIndex].link;
      if (url) window.location.href = url;
    });
    charts.push(chart);
  }

  var data = readJson("cost-analysis-data");
  if (!data || !window.echarts) return;
  trend(data);
  departments(data);
  categories(data);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
