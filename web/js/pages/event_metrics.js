// Event metrics of a period (#/events/metrics): the rates a city-management
// bulletin reports — closure and on-time closure, on-time registration,
// accurate dispatch, rework, mean handling time — for the user's area, by
// child area, handling unit, handler, category, source or month, as a
// table, a chart and CSV/XLSX downloads; and the categories reported most.
import { api, queryString } from '../api.js';
import { h, add, fill, field, selectEl, dataTable, section, loading, empty, errorBox, icon } from '../dom.js';
import { t, formatNumber, language } from '../i18n.js';
import { loadEcharts, keepCharts } from '../registry.js';
import { boardNodes, sourceLabel } from '../events.js';
import { eventTabs } from './events.js';

const GROUPS = ['area', 'unit', 'handler', 'category', 'source', 'month'];
const RATES = ['closure_rate', 'on_time_closure_rate', 'on_time_registration_rate', 'accurate_dispatch_rate', 'rework_rate'];
const COUNTS = ['reported', 'registered', 'dispatched', 'due', 'closed', 'closed_on_time'];
const PALETTE = ['#1f4e8c', '#3f8f6b', '#d08b1e', '#8a5bb5', '#c8553d'];

function pad(n) {
  return String(n).padStart(2, '0');
}

/* YYYY-MM-DD of a local date. */
function day(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function rate(v) {
  return v == null ? '—' : `${v.toFixed(2)} %`;
}

function rowName(r, by) {
  if (r.key == null) return t('ev.m.unassigned');
  if (by === 'source') return sourceLabel(r.key);
  return r.name || String(r.key);
}

function filterForm(ctx, q, nodes) {
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    nodes.length > 1 ? field({ label: t('ev.field.area'), name: 'org',
      control: selectEl('org', nodes.map((n) => [n.code, n.name]), q.org) }) : null,
    field({ label: t('audit.from'), name: 'from', type: 'date', value: q.from }),
    field({ label: t('audit.to'), name: 'to', type: 'date', value: q.to }),
    field({ label: t('ev.m.by'), name: 'by',
      control: selectEl('by', GROUPS.map((g) => [g, t(`ev.m.group.${g}`)]), q.by) }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 'icon icon-sm'), t('audit.apply'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = {};
    for (const k of ['org', 'from', 'to', 'by']) if (form.elements[k]) next[k] = form.elements[k].value;
    ctx.go('/events/metrics', next);
  });
  return form;
}

function summary(totals) {
  const card = (label, value, note) => h('div', { class: 'stat-card' },
    h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label),
    note ? h('div', { class: 'muted small' }, note) : null);
  return h('div', { class: 'stat-cards' },
    card(t('ev.m.due'), formatNumber(totals.due)),
    card(t('ev.m.closure_rate'), rate(totals.closure_rate),
      t('ev.m.ofDue', { closed: formatNumber(totals.closed), due: formatNumber(totals.due) })),
    card(t('ev.m.on_time_closure_rate'), rate(totals.on_time_closure_rate),
      t('ev.m.onTimeOf', { n: formatNumber(totals.closed_on_time) })),
    card(t('ev.m.on_time_registration_rate'), rate(totals.on_time_registration_rate)),
    card(t('ev.m.accurate_dispatch_rate'), rate(totals.accurate_dispatch_rate)),
    card(t('ev.m.rework_rate'), rate(totals.rework_rate)),
    card(t('ev.m.mean_handling_hours'), totals.mean_handling_hours == null ? '—'
      : t('ev.m.hours', { n: totals.mean_handling_hours })));
}

function table(data) {
  const cols = [
    { label: t(`ev.m.group.${data.by}`), class: 'nowrap', cell: (r) => r.label },
    ...COUNTS.map((c) => ({ label: t(`ev.m.${c}`), class: 'num', cell: (r) => formatNumber(r[c]) })),
    ...RATES.map((c) => ({ label: t(`ev.m.${c}`), class: 'num nowrap', cell: (r) => rate(r[c]) })),
    { label: t('ev.m.mean_handling_hours'), class: 'num',
      cell: (r) => (r.mean_handling_hours == null ? '—' : String(r.mean_handling_hours)) },
  ];
  const rows = data.rows.map((r) => ({ ...r, label: rowName(r, data.by) }));
  rows.push({ ...data.totals, label: t('ev.m.total') });
  return dataTable(cols, rows, { caption: t('ev.m.title') });
}

function drawChart(echarts, ctx, el, data) {
  const rows = data.rows.filter((r) => r.due > 0);
  if (!rows.length) return null;
  el.style.height = `${Math.max(220, 70 + rows.length * 34)}px`;
  const chart = echarts.init(el, null, { renderer: 'canvas', locale: language() === 'en' ? 'EN' : 'ZH' });
  chart.setOption({
    animationDuration: 300,
    color: PALETTE,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    aria: { enabled: true },
    tooltip: { renderMode: 'richText', confine: true, trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, itemWidth: 14, itemHeight: 10 },
    grid: { left: 8, right: 32, top: 30, bottom: 4, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => rowName(r, data.by)),
      axisLabel: { width: 120, overflow: 'truncate' } },
    series: ['closure_rate', 'on_time_closure_rate'].map((k) => ({
      name: t(`ev.m.${k}`), type: 'bar', data: rows.map((r) => r[k]),
      label: { show: rows.length <= 12, position: 'right', formatter: '{c} %' },
    })),
  });
  return chart;
}

export async function render(view, ctx) {
  ctx.setTitle(t('ev.m.title'));
  add(view, loading());
  const nodes = await boardNodes();
  if (!ctx.isCurrent()) return;
  const now = new Date();
  const q = {
    org: ctx.query.get('org') || (nodes[0] ? nodes[0].code : ''),
    from: ctx.query.get('from') || day(new Date(now.getFullYear(), now.getMonth(), 1)),
    to: ctx.query.get('to') || day(now),
    by: GROUPS.includes(ctx.query.get('by')) ? ctx.query.get('by') : 'area',
  };
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const chartEl = h('div', { class: 'chart', role: 'img', 'aria-label': t('ev.m.chartLabel') });
  const download = (format) => h('a', { class: 'btn', download: '',
    href: `/api/v1/events/metrics/export${queryString({ ...q, format })}` },
  icon('download', 'icon icon-sm'), t(`ev.m.download.${format}`));
  fill(view,
    h('h1', { class: 'page-title' }, t('ev.m.title')),
    eventTabs('metrics'),
    h('p', { class: 'muted' }, t('ev.m.hint')),
    filterForm(ctx, q, nodes),
    body);
  let data;
  try {
    data = await api('GET', '/events/metrics', { query: q });
  } catch (err) {
    if (err.status === 401) throw err;
    fill(body, errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  fill(body,
    h('p', null, t('ev.m.period', { from: data.from, to: data.to })),
    summary(data.totals),
    h('div', { class: 'form-actions' }, download('xlsx'), download('csv')),
    data.rows.length ? section(t(`ev.m.byTitle.${data.by}`), chartEl, table(data)) : empty(t('ev.m.none')),
    data.top_categories.length ? section(t('ev.m.top'), h('ol', { class: 'top-list' },
      data.top_categories.map((c) => h('li', null, `${c.name}（${c.code}）`, ' ',
        h('span', { class: 'muted' }, t('ev.m.reportedN', { n: formatNumber(c.reported) })))))) : null);
  if (data.rows.length) {
    const echarts = await loadEcharts();
    if (!ctx.isCurrent()) return;
    const chart = drawChart(echarts, ctx, chartEl, data);
    if (chart) keepCharts(ctx, [chart]);
    else chartEl.remove();
  }
}
