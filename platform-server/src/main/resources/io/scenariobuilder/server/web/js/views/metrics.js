// Executions per second and p50/p99 duration over the window, as charts (uPlot, from its WebJar), with the window's
// success rate, errors by type and integrations; refreshed every 5 seconds.
import { html, useEffect, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { api } from '../api.js';
import { ErrorBanner, duration } from './common.js';

/** A colour from the page's CSS variables (a canvas cannot read var(...)). */
function colour(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#333';
}

function Chart({ title, timeline, series }) {
  const box = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    const data = [timeline.map((p) => Date.parse(p.start) / 1000), ...series.map((s) => timeline.map((p) => p[s.key]))];
    const width = Math.max(260, Math.min(720, box.current.clientWidth || 600));
    if (!chart.current) {
      chart.current = new uPlot({
        width, height: 180, title,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: colour(s.color), width: 2, spanGaps: false }))],
        axes: [{}, { size: 60 }],
      }, data, box.current);
    } else {
      chart.current.setSize({ width, height: 180 });
      chart.current.setData(data);
    }
  }, [timeline]);
  useEffect(() => () => chart.current?.destroy(), []);
  return html`<figure class="chart"><div ref=${box} role="img" aria-label=${title}></div></figure>`;
}

export function MetricsView() {
  const [window_, setWindow] = useState('5m');
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    const load = () => api(`/api/v1/metrics?window=${window_}`).then((r) => !stopped && (setReport(r), setError(null)),
      (e) => !stopped && setError(e));
    load();
    const timer = setInterval(load, 5000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [window_]);
  return html`<section aria-labelledby="metrics-title">
    <div class="title-row">
      <h1 id="metrics-title">Metrics</h1>
      <label>Window
        <select value=${window_} onChange=${(e) => setWindow(e.target.value)} data-testid="metrics-window">
          <option value="5m">last 5 minutes</option><option value="1h">last hour</option><option value="24h">last day</option>
        </select></label>
    </div>
    <${ErrorBanner} error=${error} />
    ${report ? html`
      <dl class="facts" data-testid="metrics-summary">
        <div><dt>Executions</dt><dd>${report.executions.total}</dd></div>
        <div><dt>Success rate</dt><dd>${report.executions.successRate == null ? '–' : `${Math.round(report.executions.successRate * 100)}%`}</dd></div>
        <div><dt>p50</dt><dd>${report.executions.duration.p50 == null ? '–' : duration(Math.round(report.executions.duration.p50))}</dd></div>
        <div><dt>p99</dt><dd>${report.executions.duration.p99 == null ? '–' : duration(Math.round(report.executions.duration.p99))}</dd></div>
        <div><dt>Node attempts</dt><dd>${report.nodes.total}</dd></div>
      </dl>
      <div class="charts">
        <${Chart} title="Executions per second" timeline=${report.timeline} series=${[{ key: 'perSecond', label: 'per second', color: '--accent' }]} />
        <${Chart} title="Duration (ms)" timeline=${report.timeline}
          series=${[{ key: 'p50', label: 'p50', color: '--ok' }, { key: 'p99', label: 'p99', color: '--bad' }]} />
      </div>
      <h2>Errors by type</h2>
      ${report.errors.length === 0 ? html`<p class="muted">None in this window.</p>` : html`<table class="table">
        <thead><tr><th scope="col">Type</th><th scope="col">Failed attempts</th></tr></thead>
        <tbody>${report.errors.map((e) => html`<tr key=${e.type}><td>${e.type}</td><td>${e.count}</td></tr>`)}</tbody></table>`}
      <h2>Integrations</h2>
      <div class="table-scroll"><table class="table">
        <thead><tr><th scope="col">Integration</th><th scope="col">Attempts</th><th scope="col">Success</th><th scope="col">p99</th></tr></thead>
        <tbody>${report.integrations.map((i) => html`<tr key=${i.integrationId}><td>${i.integrationId}</td><td>${i.attempts.total}</td>
          <td>${i.attempts.successRate == null ? '–' : `${Math.round(i.attempts.successRate * 100)}%`}</td>
          <td>${i.attempts.duration.p99 == null ? '–' : `${i.attempts.duration.p99} ms`}</td></tr>`)}</tbody></table></div>`
    : html`<p class="loading">Loading…</p>`}
  </section>`;
}
