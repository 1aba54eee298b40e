// The analytics pages' charts (admin/analytics/chart-data.ts says what each spec holds). The data
// comes in the page's JSON block; ECharts is served by the console itself. Without this script
// the tables, open, say everything; once a chart is drawn its table folds under "show the table".
const payloadBlock = document.getElementById('analytics-charts');
const palette = ['#1f5fbf', '#2e9d5b', '#d08a1c', '#b3261e', '#7b4fc2', '#1f9bb3', '#8a8f99', '#c2477a', '#5b6475', '#3d7d2f'];

// Tooltips drawn on the canvas, not as HTML with style attributes (the CSP allows no inline style).
const tooltip = (trigger) => ({ trigger, renderMode: 'richText', confine: true });

function barsOption(spec) {
  const valueAxis = { type: 'value', ...(spec.percent ? { max: spec.stacked ? 100 : undefined, axisLabel: { formatter: '{value}%' } } : {}) };
  const categoryAxis = { type: 'category', data: spec.categories, axisLabel: { hideOverlap: true } };
  return {
    color: palette,
    tooltip: tooltip('axis'),
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((series) => ({ type: 'bar', name: series.name, data: series.data, stack: spec.stacked ? 'all' : undefined, barMaxWidth: 36 })),
  };
}

function matrixOption(spec) {
  const max = Math.max(1, ...spec.cells.map((cell) => cell[2]));
  return {
    tooltip: tooltip('item'),
    grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
    xAxis: { type: 'category', data: spec.x, splitArea: { show: true } },
    yAxis: { type: 'category', data: spec.y, inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#f3f6fb', '#9cbce8', '#1f5fbf'] } },
    series: [{ type: 'heatmap', data: spec.cells, label: { show: spec.x.length <= 12 } }],
  };
}

function pieOption(spec) {
  return {
    color: palette,
    tooltip: tooltip('item'),
    legend: { top: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['35%', '65%'], top: 24, data: spec.items, label: { formatter: '{b}: {c} ({d}%)' } }],
  };
}

const optionFor = { bars: barsOption, matrix: matrixOption, pie: pieOption };

function drawCharts() {
  const echarts = globalThis.echarts;
  if (!payloadBlock || !echarts) return;
  const payload = JSON.parse(payloadBlock.textContent);
  const charts = [];
  for (const element of document.querySelectorAll('[data-chart]')) {
    const spec = payload.charts[element.dataset.chart];
    if (!spec) continue;
    const chart = echarts.init(element, null, { locale: payload.locale, renderer: 'canvas' });
    chart.setOption(optionFor[spec.type](spec));
    charts.push(chart);
    element.closest('section')?.querySelector('details.table')?.removeAttribute('open');
  }
  globalThis.addEventListener('resize', () => charts.forEach((chart) => chart.resize()));
}

// "read at … (N s ago)": the sources' ages (as the server counted them at render), kept current while the page is open.
const loadedAt = Date.now();
function updateAges() {
  for (const age of document.querySelectorAll('.age[data-age-seconds]')) {
    const seconds = Number(age.dataset.ageSeconds) + Math.round((Date.now() - loadedAt) / 1000);
    age.textContent = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  }
}

drawCharts();
updateAges();
setInterval(updateAges, 5000);
