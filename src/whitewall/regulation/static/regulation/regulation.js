/* Regulation board charts: data arrives through json_script; tooltips use richText (CSP). */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function trendChart() {
    var node = document.getElementById("regulation-trend");
    var data = readJson("regulation-trend-data");
    if (!node || !data || !window.echarts) return;
    if (!data.dates.length) {
      node.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted");
      node.textContent = data.empty;
      return;
    }
    var chart = echarts.init(node);
    // "Not built yet" dwarfs the rest while most modules are missing: off until the legend turns it on.
    var selected = {};
    data.series.forEach(function (serie) { selected[serie.name] = serie.key !== "not_built"; });
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, selected: selected },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: {
        type: "category",
        data: data.dates.map(function (day, index) { return data.recomputed[index] ? day + " *" : day; })
      },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (serie) {
        return {
          name: serie.name,
          type: "line",
          stack: "clauses",
          areaStyle: {},
          symbol: "none",
          itemStyle: { color: serie.color },
          lineStyle: { color: serie.color },
          data: serie.data
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function historyChart() {
    var node = document.getElementById("regulation-history");
    var data = readJson("regulation-history-data");
    if (!node || !data || !window.echarts) return;
    var chart = echarts.init(node);
    var names = [data.labels.red, data.labels.amber, data.labels.green];
    chart.setOption({
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        formatter: function (params) {
          var point = params[0];
          return point.name + "\n" + data.labels[data.statuses[point.dataIndex]];
        }
      },
      grid: { left: 90, right: 16, top: 10, bottom: 24 },
      xAxis: { type: "category", data: data.dates },
      yAxis: { type: "category", data: names },
      series: [{
        type: "line",
        step: "end",
        data: data.statuses.map(function (status) {
          var level = data.levels[status];
          return {
            value: level === undefined ? null : level,
            itemStyle: { color: data.colors[status] }
          };
        })
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  trendChart();
  historyChart();
})();
