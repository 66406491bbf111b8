/// The dashboard's one page and its sign-in prompt, served from the binary (nothing is fetched
/// from elsewhere). The page's script opens `/events`, draws every chart as inline SVG with a
/// table alternative, and writes every text with `textContent` (never as markup), so a
/// submission's text shows as text.
enum DashboardPage {
    /// `/`: the live dashboard.
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>FieldTally dashboard</title>
        <style>
        :root { --ink: #1b1f24; --muted: #4a5560; --line: #c9d1d9; --bar: #1f5f99; --bar2: #b35900; --bg: #ffffff; --soft: #f3f6f9;
                --warn-bg: #fff4d6; --warn: #6b4500; --bad-bg: #fde7e9; --bad: #8a1622; --ok: #14632f; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        a { color: var(--bar); }
        .skip { position: absolute; left: -999px; top: 0; background: var(--ink); color: #fff; padding: .5em; }
        .skip:focus { left: 0; }
        header { padding: .8rem 1rem; border-bottom: 1px solid var(--line); background: var(--soft); }
        h1 { font-size: 1.25rem; margin: 0 0 .3rem; }
        h2 { font-size: 1.1rem; margin: 0 0 .6rem; }
        h3 { font-size: 1rem; margin: 1rem 0 .3rem; font-family: ui-monospace, Menlo, Consolas, monospace; }
        main { padding: 1rem; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); }
        section { border: 1px solid var(--line); border-radius: 6px; padding: .9rem; min-width: 0; }
        section.wide { grid-column: 1 / -1; }
        .status { display: flex; flex-wrap: wrap; gap: .4rem .9rem; align-items: center; color: var(--muted); }
        .badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .85rem; font-weight: 600; border: 1px solid; }
        .badge.provisional { background: var(--warn-bg); color: var(--warn); }
        .badge.complete { background: #e3f4e8; color: var(--ok); }
        .badge.incomplete { background: var(--warn-bg); color: var(--warn); }
        .badge.stalled { background: var(--bad-bg); color: var(--bad); }
        .badge.live { background: #e3f4e8; color: var(--ok); }
        .big { font-size: 1.6rem; font-weight: 700; margin: 0; }
        .note { color: var(--muted); font-size: .9rem; margin: .3rem 0; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .6rem; padding: .3rem .7rem; }
        legend { font-weight: 600; }
        label { margin-right: 1rem; white-space: nowrap; }
        .bars { display: grid; grid-template-columns: minmax(7rem, 14rem) 1fr minmax(7.5rem, auto); gap: .15rem .6rem; align-items: center; }
        .bars .label { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .88rem; overflow-wrap: anywhere; }
        .bars .value { font-variant-numeric: tabular-nums; white-space: nowrap; font-size: .9rem; }
        .bars svg { width: 100%; height: 18px; display: block; background: var(--soft); }
        .bars:focus, .chart:focus, table:focus { outline: 3px solid #f0b400; outline-offset: 2px; }
        details { margin-top: .4rem; }
        summary { cursor: pointer; color: var(--bar); }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; max-width: 100%; }
        th, td { border: 1px solid var(--line); padding: .2rem .45rem; text-align: right; }
        th:first-child, td.text { text-align: left; }
        .scroll { overflow-x: auto; }
        .chart svg { width: 100%; height: auto; display: block; }
        .warn { background: var(--bad-bg); color: var(--bad); padding: .5rem .8rem; border-radius: 6px; margin: .5rem 0 0; }
        .hidden { display: none; }
        ol.letters { list-style: none; margin: 0; padding: 0; }
        ol.letters li { border-top: 1px solid var(--line); padding: .35rem 0; }
        ol.letters .meta { display: flex; flex-wrap: wrap; gap: .2rem .7rem; align-items: baseline; }
        ol.letters time { color: var(--muted); font-size: .85rem; font-variant-numeric: tabular-nums; }
        ol.letters code, ol.letters .who { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; }
        ol.letters .msg { color: var(--muted); font-size: .88rem; overflow-wrap: anywhere; }
        @media (max-width: 40rem) {
          .bars { grid-template-columns: 1fr auto; }
          .bars .label { grid-column: 1 / -1; margin-top: .3rem; }
          main { padding: .5rem; }
        }
        </style>
        </head>
        <body>
        <a class="skip" href="#main">Skip to the figures</a>
        <header>
          <h1>FieldTally: <span id="form">survey</span></h1>
          <div class="status" role="status" aria-live="polite">
            <span id="badge-provisional" class="badge provisional">provisional</span>
            <span id="badge-complete" class="badge incomplete">waiting for data</span>
            <span>as of <time id="as-of">–</time></span>
            <span>codebook <span id="codebook">–</span></span>
            <span id="updated" class="badge live">connecting…</span>
          </div>
          <p id="stalled" class="warn hidden" role="alert"></p>
        </header>
        <main id="main" tabindex="-1">
          <section aria-labelledby="h-rate">
            <h2 id="h-rate">Response rate</h2>
            <p class="big" id="rate-figure">–</p>
            <p class="note" id="rate-remaining"></p>
            <p class="note" id="rate-interval"></p>
            <div id="regions"></div>
          </section>
          <section aria-labelledby="h-fieldwork">
            <h2 id="h-fieldwork">Fieldwork</h2>
            <p id="outcomes"></p>
            <h3>Accepted submissions per day</h3>
            <div id="per-day" class="chart"></div>
            <h3>Cumulative response rate</h3>
            <div id="cumulative" class="chart"></div>
          </section>
          <section class="wide" aria-labelledby="h-questions">
            <h2 id="h-questions">Questions</h2>
            <fieldset>
              <legend>Percentage base</legend>
              <label><input type="radio" name="base" value="all" checked> all respondents</label>
              <label><input type="radio" name="base" value="answered"> those who answered</label>
            </fieldset>
            <p class="note">Each respondent may choose several codes of a multi-select question, so its percentages can sum past 100%.
              Whiskers show the Wilson 95% interval.</p>
            <div id="fields"></div>
          </section>
          <section aria-labelledby="h-numeric">
            <h2 id="h-numeric">Numeric answers</h2>
            <div id="numeric" class="scroll"></div>
            <h2>Cross-tabs</h2>
            <div id="crosstabs"></div>
          </section>
          <section aria-labelledby="h-rejections">
            <h2 id="h-rejections">Rejections</h2>
            <div id="reasons"></div>
            <h3>Latest dead letters</h3>
            <div id="dead-letters"></div>
            <div id="coding-review"></div>
          </section>
        </main>
        <script>
        "use strict";
        (function () {
          var state = null, base = "all", lastData = 0, lastHeard = 0, connected = false, problem = null;
          var SVG = "http://www.w3.org/2000/svg";
          function $(id) { return document.getElementById(id); }
          function el(tag, text, cls) {
            var e = document.createElement(tag);
            if (text !== undefined && text !== null) e.textContent = String(text);
            if (cls) e.className = cls;
            return e;
          }
          function svg(tag, attrs) {
            var e = document.createElementNS(SVG, tag);
            for (var k in attrs) e.setAttribute(k, attrs[k]);
            return e;
          }
          function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
          function pct(v) { return v === null || v === undefined ? "–" : v.toFixed(1) + "%"; }
          function hiddenCount(doc) { return doc.suppression ? "<" + doc.suppression.below : "–"; }
          function count(v, doc) { return v === null || v === undefined ? hiddenCount(doc) : String(v); }

          // A labelled horizontal bar chart with an optional whisker per row and a table alternative.
          function bars(title, rows, headers) {
            var wrap = el("div");
            var chart = el("div", null, "bars");
            chart.setAttribute("role", "group");
            chart.setAttribute("aria-label", title);
            chart.tabIndex = 0;
            var max = 100;
            rows.forEach(function (r) {
              var label = el("span", r.label, "label");
              var s = svg("svg", { viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" });
              var w = r.pct === null || r.pct === undefined ? 0 : Math.max(0, Math.min(max, r.pct));
              s.appendChild(svg("rect", { x: 0, y: 1.5, width: w, height: 7, fill: r.color || "#1f5f99" }));
              if (r.ci) {
                var y = 5, lo = r.ci[0], hi = r.ci[1];
                var attrs = { stroke: "#1b1f24", "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" };
                s.appendChild(svg("line", Object.assign({ x1: lo, x2: hi, y1: y, y2: y }, attrs)));
                s.appendChild(svg("line", Object.assign({ x1: lo, x2: lo, y1: 2, y2: 8 }, attrs)));
                s.appendChild(svg("line", Object.assign({ x1: hi, x2: hi, y1: 2, y2: 8 }, attrs)));
              }
              var value = el("span", r.value, "value");
              var row = [label, s, value];
              row.forEach(function (n) { if (r.key) n.setAttribute("data-row", r.key); chart.appendChild(n); });
            });
            wrap.appendChild(chart);
            wrap.appendChild(table("Table: " + title, headers, rows.map(function (r) { return r.cells; })));
            return wrap;
          }

          function table(summary, headers, rows) {
            var d = el("details"), t = el("table"), head = el("tr");
            d.appendChild(el("summary", summary));
            headers.forEach(function (h) { var th = el("th", h); th.scope = "col"; head.appendChild(th); });
            t.appendChild(head);
            rows.forEach(function (cells) {
              var tr = el("tr");
              cells.forEach(function (c, i) { tr.appendChild(el(i === 0 ? "th" : "td", c, i === 0 ? "text" : null)); });
              t.appendChild(tr);
            });
            var s = el("div", null, "scroll");
            s.appendChild(t);
            d.appendChild(s);
            return d;
          }

          // A list of lines (dead letters, review texts): each entry's meta is [tag, text, class] triples (empty
          // texts left out) and its text goes below them; every text is written with textContent.
          function lines(holder, entries, empty) {
            var list = el("ol", null, "letters");
            entries.forEach(function (entry) {
              var item = el("li"), meta = el("div", null, "meta");
              entry.meta.forEach(function (m) { if (m[1]) meta.appendChild(el(m[0], m[1], m[2])); });
              item.appendChild(meta);
              if (entry.text) item.appendChild(el("div", entry.text, "msg"));
              list.appendChild(item);
            });
            if (!entries.length && empty) holder.appendChild(el("p", empty, "note"));
            holder.appendChild(list);
          }

          // A column chart (per day) or a line (cumulative), drawn in a fixed viewBox.
          function columns(title, points, opts) {
            var W = 600, H = 160, L = 40, B = 24, n = points.length;
            var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": title });
            s.appendChild(svg("title", {})).textContent = title;
            var max = opts.max || Math.max.apply(null, points.map(function (p) { return p.v; }).concat([1]));
            s.appendChild(svg("line", { x1: L, x2: W, y1: H - B, y2: H - B, stroke: "#4a5560" }));
            var top = svg("text", { x: L - 4, y: 12, "text-anchor": "end", "font-size": 11, fill: "#4a5560" });
            top.textContent = opts.format ? opts.format(max) : String(max);
            s.appendChild(top);
            var zero = svg("text", { x: L - 4, y: H - B, "text-anchor": "end", "font-size": 11, fill: "#4a5560" });
            zero.textContent = "0";
            s.appendChild(zero);
            var step = n ? (W - L) / n : 0;
            if (opts.line) {
              var d = points.map(function (p, i) {
                var x = L + (n > 1 ? i * (W - L - 4) / (n - 1) : 0), y = H - B - (p.v / max) * (H - B - 14);
                return (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
              }).join(" ");
              if (n) s.appendChild(svg("path", { d: d, fill: "none", stroke: "#1f5f99", "stroke-width": 2.5 }));
            } else {
              points.forEach(function (p, i) {
                var h = (p.v / max) * (H - B - 14);
                s.appendChild(svg("rect", { x: L + i * step + 1, y: H - B - h, width: Math.max(1, step - 2), height: h, fill: "#1f5f99" }));
              });
            }
            if (n) {
              [0, n - 1].forEach(function (i, k) {
                var t = svg("text", { x: k ? W : L, y: H - 6, "text-anchor": k ? "end" : "start", "font-size": 11, fill: "#4a5560" });
                t.textContent = points[i].label;
                s.appendChild(t);
              });
            }
            var wrap = el("div");
            var holder = el("div", null, "chart");
            holder.tabIndex = 0;
            holder.appendChild(s);
            wrap.appendChild(holder);
            wrap.appendChild(table("Table: " + title, opts.headers, points.map(function (p) { return [p.label, opts.cell(p)]; })));
            return wrap;
          }

          function render() {
            if (!state) return;
            var doc = state.document, live = state.live, rr = doc.response_rate.overall;
            $("form").textContent = doc.form_id;
            document.title = "FieldTally: " + doc.form_id;
            $("as-of").textContent = doc.as_of || "–";
            $("codebook").textContent = doc.codebook_version || (doc.codebook_versions.length ? doc.codebook_versions.join(", ") : "–");
            $("badge-provisional").classList.toggle("hidden", !doc.provisional);
            var bc = $("badge-complete");
            var total = live.partitions_total === null ? "?" : live.partitions_total;
            bc.textContent = live.partitions_reported + " of " + total + " partitions reported" + (live.complete ? ", complete" : ", incomplete");
            bc.className = "badge " + (live.complete ? "complete" : "incomplete");

            $("rate-figure").textContent = rr.responded + " of " + rr.frame + ", " + pct(rr.percent);
            $("rate-remaining").textContent = (rr.frame - rr.responded) + " still to respond";
            $("rate-interval").textContent = rr.wilson95 ? "Wilson 95% interval " + pct(rr.wilson95[0]) + " to " + pct(rr.wilson95[1]) : "";
            var regions = Object.keys(doc.response_rate.by_region).map(function (name) {
              var r = doc.response_rate.by_region[name];
              var left = Math.max(0, r.frame - r.responded);
              return { key: "region:" + name, label: name, pct: r.percent,
                       value: r.responded + " of " + r.frame + ", " + pct(r.percent) + " (" + left + " to go)",
                       cells: [name, r.responded, r.frame, left, pct(r.percent)] };
            });
            clear($("regions")).appendChild(bars("Response rate by region", regions, ["Region", "Responded", "Frame", "Still to respond", "Rate"]));

            var holder = clear($("fields"));
            Object.keys(doc.fields).forEach(function (name) {
              var f = doc.fields[name], b = base === "all" ? f.base_all : f.base_answered;
              var h = el("h3", name);
              holder.appendChild(h);
              holder.appendChild(el("p", "Base: " + b + (base === "all" ? " respondents" : " who answered") +
                " (all " + f.base_all + ", answered " + f.base_answered + ")", "note"));
              var rows = Object.keys(f.codes).map(function (code) {
                var c = f.codes[code], p = base === "all" ? c.percent_of_all : c.percent_of_answered;
                var ci = base === "all" ? c.wilson95_all : c.wilson95_answered;
                return { key: name + ":" + code, label: code, pct: p, ci: ci, value: count(c.count, doc) + " · " + pct(p),
                         cells: [code, count(c.count, doc), pct(p), ci ? pct(ci[0]) + " – " + pct(ci[1]) : "–"] };
              });
              holder.appendChild(bars(name + " (base " + b + ")", rows, ["Code", "Count", "Percent", "Wilson 95%"]));
            });

            var num = clear($("numeric")), nt = el("table"), head = el("tr");
            ["Summary", "n", "min", "median", "max"].forEach(function (t) { var th = el("th", t); th.scope = "col"; head.appendChild(th); });
            nt.appendChild(head);
            Object.keys(doc.numeric).forEach(function (k) {
              var v = doc.numeric[k], tr = el("tr");
              [k, v.n, v.min, v.median, v.max].forEach(function (c, i) {
                tr.appendChild(el(i ? "td" : "th", c === null ? "–" : c, i ? null : "text"));
              });
              nt.appendChild(tr);
            });
            num.appendChild(nt);

            var ct = clear($("crosstabs"));
            doc.crosstabs.forEach(function (tab) {
              ct.appendChild(el("h3", tab.name));
              var t = el("table"), hr = el("tr"), max = 1;
              t.setAttribute("aria-label", "Heat table " + tab.name + ": rows " + tab.rows.length + ", columns " + tab.columns.length);
              hr.appendChild(el("th", ""));
              tab.columns.forEach(function (c) { var th = el("th", c); th.scope = "col"; hr.appendChild(th); });
              t.appendChild(hr);
              tab.rows.forEach(function (r) { tab.columns.forEach(function (c) { var v = tab.cells[r][c]; if (v > max) max = v; }); });
              tab.rows.forEach(function (r) {
                var tr = el("tr"), th = el("th", r, "text");
                th.scope = "row";
                tr.appendChild(th);
                tab.columns.forEach(function (c) {
                  var v = tab.cells[r][c], td = el("td", count(v, doc));
                  var a = v ? v / max : 0;
                  td.style.background = "rgba(31, 95, 153, " + (0.08 + 0.85 * a).toFixed(2) + ")";
                  td.style.color = a > 0.5 ? "#ffffff" : "#1b1f24";
                  tr.appendChild(td);
                });
                t.appendChild(tr);
              });
              var s = el("div", null, "scroll");
              s.tabIndex = 0;
              s.appendChild(t);
              ct.appendChild(s);
            });

            var pd = doc.paradata;
            $("outcomes").textContent = pd.received + " messages received: " + pd.accepted_first_submissions + " first submissions, " +
              pd.accepted_edits + " edits, " + pd.noop_identical_resends + " identical re-sends, " + pd.rejected_total + " rejected.";
            var perDay = pd.accepted_versions_per_day;
            var days = Object.keys(perDay).sort().map(function (d) { return { label: d, v: perDay[d] }; });
            clear($("per-day")).appendChild(columns("Accepted submissions per day", days,
              { headers: ["Day", "Accepted"], cell: function (p) { return p.v; } }));
            var frame = doc.frame_size || 1;
            var timeline = live.timeline.map(function (p) { return { label: p.as_of, v: 100 * p.counted / frame, n: p.counted }; });
            clear($("cumulative")).appendChild(columns("Cumulative response rate over time", timeline,
              { line: true, max: Math.max(10, Math.ceil(Math.max.apply(null, timeline.map(function (p) { return p.v; }).concat([0])) / 10) * 10),
                format: function (m) { return m + "%"; }, headers: ["As of", "Response rate"],
                cell: function (p) { return p.n + " (" + pct(p.v) + ")"; } }));
            var reasons = Object.keys(pd.rejected_by_reason).map(function (r) {
              var n = pd.rejected_by_reason[r];
              return { key: "reason:" + r, label: r, pct: pd.rejected_total ? 100 * n / pd.rejected_total : 0, value: String(n),
                       color: "#b35900", cells: [r, n] };
            });
            clear($("reasons")).appendChild(bars("Rejections by reason (" + pd.rejected_total + ")", reasons, ["Reason", "Messages"]));
            lines(clear($("dead-letters")), live.dead_letters.slice().reverse().map(function (l) {
              var meta = [["time", l.rejected_at], ["strong", l.reason], ["code", l.pointer || "(whole message)"], ["span", l.respondent, "who"]];
              return { meta: meta, text: l.message };
            }), "None so far.");
            // paradata.coding_review is {field: items waiting}; live.coding_review the newest texts of survey.coding-review,
            // empty while that topic cannot be read.
            var cr = clear($("coding-review")), counts = pd.coding_review || {}, waiting = live.coding_review || [];
            if (Object.keys(counts).length || waiting.length) {
              cr.appendChild(el("h3", "Coding review queue"));
              cr.appendChild(bars("Items awaiting review per field", Object.keys(counts).map(function (k) {
                return { key: "review:" + k, label: k, pct: null, value: String(counts[k]), cells: [k, counts[k]] };
              }), ["Field", "Items"]));
              if (waiting.length) {
                cr.appendChild(el("h3", "Latest texts awaiting review"));
                lines(cr, waiting.map(function (r) {
                  return { meta: [["code", r.field], ["span", r.respondent, "who"], ["strong", r.reason]], text: r.text };
                }), "");
              }
            }
            freshness();
          }

          function freshness() {
            var now = Date.now(), u = $("updated"), w = $("stalled");
            var since = lastData ? Math.round((now - lastData) / 1000) : null;
            var stalled = !connected || (lastHeard && now - lastHeard > 15000) || problem;
            u.textContent = since === null ? "waiting for data" : "last update " + since + " s ago";
            u.className = "badge " + (stalled ? "stalled" : "live");
            var why = !connected ? "Connection to the dashboard lost: reconnecting…" :
                      problem ? "The dashboard cannot read the tallies: " + problem :
                      (lastHeard && now - lastHeard > 15000) ? "No word from the dashboard for " + Math.round((now - lastHeard) / 1000) + " s." : "";
            w.textContent = why;
            w.classList.toggle("hidden", !why);
          }

          document.querySelectorAll("input[name=base]").forEach(function (r) {
            r.addEventListener("change", function () { base = r.value; render(); });
          });
          setInterval(freshness, 1000);

          // The browser reconnects by itself (retry: 1 s) and sends Last-Event-ID; the server answers with
          // the current state at once. A stream the browser gave up on (closed) is opened anew.
          function connect() {
            var source = new EventSource("events");
            source.addEventListener("open", function () { connected = true; lastHeard = Date.now(); freshness(); });
            source.addEventListener("error", function () {
              connected = false;
              freshness();
              if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
            });
            source.addEventListener("state", function (e) {
              state = JSON.parse(e.data);
              connected = true;
              lastData = lastHeard = Date.now();
              render();
            });
            source.addEventListener("ping", function (e) {
              var p = JSON.parse(e.data);
              problem = p.problem || null;
              connected = true;
              lastHeard = Date.now();
              freshness();
            });
          }
          connect();
        })();
        </script>
        </body>
        </html>
        """#

    /// The sign-in prompt shown at `/` when a bearer token is configured and not presented.
    static let signIn = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>FieldTally: sign in</title>
        <style>
        body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1b1f24; background: #f3f6f9; }
        main { max-width: 24rem; margin: 10vh auto; background: #fff; border: 1px solid #c9d1d9; border-radius: 6px; padding: 1.2rem; }
        label { display: block; font-weight: 600; margin-bottom: .3rem; }
        input { width: 100%; font: inherit; padding: .4rem; border: 1px solid #4a5560; border-radius: 4px; }
        button { margin-top: .8rem; font: inherit; padding: .4rem 1rem; background: #1f5f99; color: #fff; border: 0; border-radius: 4px; }
        input:focus, button:focus { outline: 3px solid #f0b400; outline-offset: 2px; }
        .denied { color: #8a1622; }
        </style>
        </head>
        <body>
        <main>
        <h1>FieldTally dashboard</h1>
        <p>This dashboard needs its access token.</p>
        <form method="post" action="sign-in">
        <label for="token">Access token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
        <button type="submit">Sign in</button>
        </form>
        <p id="denied" class="denied" hidden>That token was not accepted.</p>
        <script>if (location.search.indexOf("denied=1") >= 0) document.getElementById("denied").hidden = false;</script>
        </main>
        </body>
        </html>
        """#
}
