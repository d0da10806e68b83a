/**
 * The status page: one HTML document with its script, rendering `/api/events` (server-sent
 * events, with `/api/status` as the first paint) and posting the fault buttons to
 * `/api/faults/<name>`. No framework and no build step: it is served as it is written here.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>misybot-ha · local control plane</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  main { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; padding: 14px; }
  section { background: #fff; border-radius: 6px; padding: 10px 14px; box-shadow: 0 1px 2px #0002; overflow: auto; max-height: 420px; }
  h2 { font-size: 15px; margin: 4px 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
  .ok, .healthy, .resolved, .idle, .normal { color: #17803d; }
  .open, .unhealthy, .critical, .down, .failed { color: #b42318; font-weight: 600; }
  .warning, .initial, .degraded, .draining { color: #b54708; }
  button { margin: 3px; padding: 6px 10px; border-radius: 4px; border: 1px solid #888; background: #fff; cursor: pointer; }
  button:hover { background: #eef; }
  pre { white-space: pre-wrap; margin: 0; font-size: 12px; }
  .muted { color: #667; }
</style>
</head>
<body>
<header><h1>misybot-ha · local control plane</h1><span id="live" class="muted">connecting…</span><span id="clock" class="muted"></span></header>
<main>
  <section id="faults"><h2>Fault controls</h2><div id="fault-buttons"></div><div id="fault-log"></div></section>
  <section id="load"><h2>Users and SLO</h2><div id="load-body"></div></section>
  <section id="components"><h2>Components</h2><div id="components-body"></div></section>
  <section id="incidents"><h2>Incidents</h2><div id="incidents-body"></div></section>
  <section id="scaling"><h2>Scaling</h2><div id="scaling-body"></div></section>
  <section id="fleet"><h2>Demo fleet</h2><div id="fleet-body"></div></section>
  <section id="failover"><h2>Failover</h2><div id="failover-body"></div></section>
  <section id="database"><h2>Database (PostgreSQL streaming replication)</h2><div id="database-body"></div></section>
  <section id="alerts"><h2>Alerts (Slack and Teams)</h2><div id="alerts-body"></div></section>
  <section id="slow-queries"><h2>Slow-query digest</h2><div id="slow-queries-body"></div></section>
  <section id="audit"><h2>Admin audit</h2><div id="audit-body"></div></section>
</main>
<script>
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const hhmmss = (t) => (t ? new Date(t).toLocaleTimeString() : '');
const cls = (v) => esc(String(v ?? '').toLowerCase());
const table = (head, rows) => rows.length === 0
  ? '<p class="muted">none</p>'
  : '<table><tr>' + head.map((h) => '<th>' + esc(h) + '</th>').join('') + '</tr>' +
    rows.map((r) => '<tr>' + r.join('') + '</tr>').join('') + '</table>';
const td = (v, c) => '<td' + (c ? ' class="' + cls(c) + '"' : '') + '>' + esc(v) + '</td>';
let buttonsDrawn = false;

function render(s) {
  document.getElementById('live').textContent = 'live · updated ' + hhmmss(s.now);
  document.getElementById('clock').textContent = 'platform clock ' + new Date(s.clock).toISOString().slice(11, 19) + ' UTC · up ' + s.upSeconds + ' s';
  if (!buttonsDrawn) {
    document.getElementById('fault-buttons').innerHTML = s.faults.available.map((f) =>
      '<button data-fault="' + esc(f.name) + '" title="' + esc(f.description) + '">' + esc(f.title) + '</button>').join('');
    for (const b of document.querySelectorAll('button[data-fault]')) b.onclick = () => inject(b.dataset.fault);
    buttonsDrawn = true;
  }
  document.getElementById('fault-log').innerHTML = table(['fault', 'started', 'ended'],
    s.faults.injected.slice().reverse().map((f) => [td(f.name), td(hhmmss(f.startedAt)), td(f.endedAt ? hhmmss(f.endedAt) : 'active', f.endedAt ? '' : 'warning')]));
  const l = s.load;
  document.getElementById('load-body').innerHTML = table(['rate', 'availability (60 s)', 'p95 (60 s)', 'SLO'], [[
    td(l.rps + ' req/s'),
    td(l.availability === undefined ? '–' : (100 * l.availability).toFixed(2) + ' %'),
    td(l.p95Ms === undefined ? '–' : Math.round(l.p95Ms) + ' ms'),
    td((l.sloHeld === undefined ? '–' : l.sloHeld ? 'held' : 'BREACHED') + ' (' + (100 * l.slo.availability) + ' %, p95 ≤ ' + l.slo.p95Ms + ' ms)', l.sloHeld === false ? 'critical' : 'ok'),
  ]]);
  document.getElementById('components-body').innerHTML = table(['component', 'status', 'since'],
    s.components.map((c) => [td(c.component), td(c.status, c.status), td(hhmmss(c.since))]));
  document.getElementById('incidents-body').innerHTML = s.incidents.length === 0 ? '<p class="muted">none</p>' :
    s.incidents.map((i) => '<div class="incident" data-component="' + esc(i.component) + '" data-state="' + esc(i.state) + '" data-opened-at="' + esc(i.openedAt) + '">' +
      '<b class="' + cls(i.state) + '">' + esc(i.state) + '</b> <b class="' + cls(i.severity) + '">' + esc(i.severity) + '</b> ' +
      esc(i.component) + ' · opened ' + esc(hhmmss(i.openedAt)) + (i.resolvedAt ? ' · resolved ' + esc(hhmmss(i.resolvedAt)) : '') +
      '<pre>' + esc(i.reasons.join('\\n')) + (i.timeline.length ? '\\n' + i.timeline.map((t) => hhmmss(t.at) + ' ' + t.what).map(esc).join('\\n') : '') + '</pre></div>').join('<hr>');
  document.getElementById('scaling-body').innerHTML = '<p>desired <b id="desired">' + esc(s.scaling.desired) + '</b> · in service <b>' + esc(s.scaling.inService) + '</b></p>' +
    table(['decision', 'action', 'explanation'], s.scaling.decisions.map((d) => [td(d.at.slice(11, 19)), td(d.action), '<td><pre>' + esc(d.explanation) + '</pre></td>']));
  document.getElementById('fleet-body').innerHTML = table(['instance', 'pid', 'target', 'CPU', 'requests', '5xx'],
    s.fleet.map((i) => [td(i.instanceId), td(i.running ? i.pid : 'dead', i.running ? '' : 'down'), td(i.state ?? 'starting', i.state), td(i.cpuPercent === undefined ? '–' : i.cpuPercent.toFixed(1) + ' %'), td(i.requests ?? 0), td(i.errors ?? 0)]));
  document.getElementById('failover-body').innerHTML = table(['component', 'phase', 'serving', 'incident'],
    s.failover.map((f) => [td(f.component), td(f.phase, f.phase), td(f.serving), td(f.incident)]));
  const lagOf = (server) => s.database.replication.find((r) => r.standby === server);
  document.getElementById('database-body').innerHTML = table(['instance', 'server', 'role', 'port', 'replay lag'],
    s.database.instances.map((i) => {
      const r = lagOf(i.server);
      const lag = i.role !== 'standby' ? '' : r ? r.replayLagMs.toFixed(0) + ' ms · ' + r.replayLagBytes + ' B (' + r.state + ')' : 'not streaming';
      return [td(i.instance), td(i.server), td(i.role + (i.port === s.database.relayTarget ? ' · fleet connects here' : ''), i.role === 'down' ? 'down' : i.role === 'primary' ? 'ok' : ''), td(i.port), '<td class="replay-lag" data-server="' + esc(i.server) + '">' + esc(lag) + '</td>'];
    }));
  if (s.database.error) document.getElementById('database-body').innerHTML += '<p class="failed">' + esc(s.database.error) + '</p>';
  document.getElementById('alerts-body').innerHTML = table(['time', 'channel', 'message'],
    s.alerts.map((a) => [td(hhmmss(a.at)), td(a.channel), '<td><pre>' + esc(a.text) + '</pre></td>']));
  document.getElementById('slow-queries-body').innerHTML = s.slowQueries
    ? '<p>' + esc(s.slowQueries.at) + '</p><pre>' + esc(s.slowQueries.summary) + '</pre>' : '<p class="muted">no digest yet (the analysis runs hourly)</p>';
  document.getElementById('audit-body').innerHTML = table(['time', 'actor', 'action', 'target', 'result', 'reason'],
    s.audit.map((a) => [td(a.at.slice(11, 19)), td(a.actor), td(a.action), td(a.target), td(a.result, a.result), td(a.reason)]));
}

async function inject(name) {
  const answer = await fetch('/api/faults/' + encodeURIComponent(name), { method: 'POST' });
  if (!answer.ok) alert((await answer.json()).error);
}

fetch('/api/status').then((r) => r.json()).then(render).catch(() => undefined);
const events = new EventSource('/api/events');
events.addEventListener('status', (e) => render(JSON.parse(e.data)));
events.onerror = () => { document.getElementById('live').textContent = 'disconnected: retrying…'; };
</script>
</body>
</html>
`;
