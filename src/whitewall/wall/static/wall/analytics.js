/* Wall analytics charts (ECharts). Data comes through json_script; tooltips use richText (CSP). */
(function () {
  "use strict";

  var node = document.getElementById("analytics-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var labels = data.labels;
  var charts = [];

  function empty(el) {
    el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted");
    el.textContent = labels.empty;
  }

  function mount(id, option, hasData) {
    var el = document.getElementById(id);
    if (!el) return;
    if (!hasData) { empty(el); return; }
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }

  var days = data.daily.map(function (d) { return d.day.slice(5); });
  mount("analytics-daily", {
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    xAxis: { type: "category", data: days },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } }],
    series: [
      { name: labels.views, type: "bar", data: data.daily.map(function (d) { return d.views; }) },
      { name: labels.likes, type: "line", data: data.daily.map(function (d) { return d.likes; }) },
      { name: labels.comments, type: "line", data: data.daily.map(function (d) { return d.comments; }) },
      { name: labels.engagement, type: "line", yAxisIndex: 1, symbol: "none", lineStyle: { type: "dashed" },
        tooltip: { valueFormatter: function (v) { return v === null ? "–" : (v * 100).toFixed(1) + "%"; } },
        data: data.daily.map(function (d) { return d.engagement_rate; }) }
    ]
  }, data.daily.some(function (d) { return d.views || d.likes || d.comments; }));

  mount("analytics-topics", {
    tooltip: { trigger: "item", renderMode: "richText" },
    legend: { bottom: 0, type: "scroll" },
    series: [{
      name: labels.views, type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], label: { show: false },
      data: data.topics.map(function (t) { return { name: t.topic, value: t.views }; })
    }]
  }, data.topics.some(function (t) { return t.views; }));

  var hours = [];
  for (var h = 0; h < 24; h++) hours.push(String(h));
  var cells = data.heatmap.map(function (c) {
    return [c.hour, c.weekday - 1, c.engagement_rate === null ? 0 : Math.round(c.engagement_rate * 1000) / 10, c.posts];
  });
  var max = cells.reduce(function (m, c) { return Math.max(m, c[2]); }, 0) || 1;
  mount("analytics-heatmap", {
    tooltip: {
      renderMode: "richText",
      formatter: function (p) {
        return labels.weekdays[p.value[1]] + " " + p.value[0] + ":00\n" + labels.engagement + ": " + p.value[2] + "%\n" + labels.posts + ": " + p.value[3];
      }
    },
    grid: { left: 48, right: 16, top: 10, bottom: 80 },
    xAxis: { type: "category", data: hours, splitArea: { show: true } },
    yAxis: { type: "category", data: labels.weekdays, splitArea: { show: true } },
    visualMap: {
      min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 160,
      formatter: function (v) { return Math.round(v * 10) / 10 + "%"; }
    },
    series: [{ type: "heatmap", data: cells, label: { show: false } }]
  }, cells.length > 0);

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
