// The classroom's pages: one script for every holder. The token after '#' in the join link says
// who this is; the server answers /api/view with what this holder may see (a team's briefing
// under fog of war, the projector's public view, or the facilitator's dashboard), and pushes a
// "change" event on /api/events whenever anything shown changes, so that the page refetches it.
"use strict";

const token = decodeURIComponent(location.hash.slice(1));
let view = null;          // the last view the server sent
let viewArrived = 0;      // performance.now() when it arrived: the timer counts down from it
let draft = null;         // a team's choices not yet submitted: {turn, settings: {lever: setting}}
let message = null;       // the outcome of the last action: {text, bad}
let teamLook = null;      // the facilitator's look at a team's page: {team, briefing}

// --- helpers -------------------------------------------------------------------------------

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "class") element.className = value;
    else element.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// Appends the children that are there (a section with nothing to show is null).
function add(parent, ...children) {
  parent.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return parent;
}

const svgNamespace = "http://www.w3.org/2000/svg";
function s(tag, attributes) {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
  return element;
}

// A number for people: at most two decimals, no trailing zeros.
function number(value) {
  if (value === null || value === undefined) return "–";
  return String(Math.round(value * 100) / 100);
}

// A change for people: "+0.05", "−0.02", or "0" when it rounds to nothing.
function signed(value) {
  const rounded = Math.round(value * 100) / 100;
  return rounded > 0 ? "+" + rounded : rounded < 0 ? "−" + -rounded : "0";
}

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (error) { data = { error: "the server sent no answer" }; }
  return { ok: response.ok, status: response.status, data };
}

async function act(path, body, done) {
  const answer = await api(path, body);
  message = answer.ok ? { text: done(answer.data), bad: false } : { text: answer.data.error, bad: true };
  await refresh();
}

// --- the live connection ---------------------------------------------------------------------

function setConnection(live) {
  const badge = document.getElementById("connection");
  badge.textContent = live ? "live" : "reconnecting…";
  badge.classList.toggle("offline", !live);
}

function connect() {
  const events = new EventSource("/api/events?token=" + encodeURIComponent(token));
  events.addEventListener("open", () => setConnection(true));
  events.addEventListener("error", () => setConnection(false));  // the browser reconnects by itself
  events.addEventListener("change", () => refresh());
}

let refreshing = null, again = false;
async function refresh() {
  // One request at a time; a change during one asks for one more.
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    do {
      again = false;
      const answer = await api("/api/view");
      if (!answer.ok) { showProblem(answer.data.error); return; }
      view = answer.data;
      viewArrived = performance.now();
      if (teamLook) {
        const look = await api("/api/teams/" + teamLook.team + "/view");
        if (look.ok) teamLook.briefing = look.data;
      }
      render();
    } while (again);
  })();
  try { await refreshing; } finally { refreshing = null; }
}

function showProblem(text) {
  const page = document.getElementById("page");
  page.replaceChildren(h("section", {}, h("p", { class: "error" }, text)));
}

// --- the turn timer --------------------------------------------------------------------------

function secondsLeft() {
  if (!view || view.timer.state === "stopped") return null;
  if (view.timer.state === "paused") return view.timer.remaining;
  return Math.max(0, view.timer.remaining - (performance.now() - viewArrived) / 1000);
}

function tickTimer() {
  const element = document.getElementById("timer");
  const left = secondsLeft();
  if (left === null) { element.textContent = ""; return; }
  const whole = Math.ceil(left);
  const clock = Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  element.textContent = view.timer.state === "paused" ? "⏸ " + clock + " (paused)" : whole === 0 ? "time is up" : "⏱ " + clock;
  element.classList.toggle("low", whole <= 60);
}

// --- pieces shared by the pages ----------------------------------------------------------------

function clockText(clock) {
  if (clock.open_turn === null) return "game over: " + clock.played + " turns played";
  return "turn " + clock.open_turn + " of " + clock.turns + " (" + clock.open_dates + ")";
}

// The median of every month played, on the variable's whole declared range (a small change looks
// small), with the 90% range now and a dashed mark where an inject came in.
function chart(indicator, timeline, big) {
  const width = 300, height = big ? 150 : 110, pad = 6;
  const months = Math.max(1, (timeline.length ? timeline[timeline.length - 1].first_month : 1) +
                             (timeline.length > 1 ? timeline[1].first_month - timeline[0].first_month : 1));
  const x = (month) => pad + (width - 2 * pad) * month / months;
  const y = (value) => height - pad - (height - 2 * pad) * (value - indicator.min) / ((indicator.max - indicator.min) || 1);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", role: "img",
                         "aria-label": `${indicator.actor} ${indicator.variable} over the game` });
  svg.append(s("line", { class: "axis", x1: pad, x2: width - pad, y1: height - pad, y2: height - pad }));
  svg.append(s("line", { class: "axis", x1: pad, x2: pad, y1: pad, y2: height - pad }));
  for (const turn of timeline)
    if (turn.injects.length) {
      const mark = s("line", { class: "inject", x1: x(turn.first_month), x2: x(turn.first_month), y1: pad, y2: height - pad });
      mark.append(s("title", {}));
      mark.firstChild.textContent = turn.injects.join("; ");
      svg.append(mark);
    }
  const now = indicator.medians.length - 1;
  svg.append(s("rect", { class: "band", x: x(now) - 3, width: 6, y: y(indicator.now.p95),
                         height: Math.max(1, y(indicator.now.p05) - y(indicator.now.p95)) }));
  svg.append(s("polyline", { class: "median", points: indicator.medians.map((value, month) => `${x(month)},${y(value)}`).join(" ") }));
  return h("div", { class: "chart" },
    h("h3", {}, indicator.actor + " " + indicator.variable),
    h("span", { class: "value" }, number(indicator.now.p50)),
    h("span", { class: "muted" }, " 90% range " + number(indicator.now.p05) + "–" + number(indicator.now.p95) +
      ", change " + signed(indicator.now.p50 - indicator.before)),
    svg);
}

function indicatorsSection(briefing, timeline, heading, big) {
  const exact = briefing.indicators.filter((indicator) => indicator.exact);
  const estimates = briefing.indicators.filter((indicator) => !indicator.exact);
  const section = h("section", {}, h("h2", {}, heading),
    h("div", { class: "grid" }, exact.map((indicator) => chart(indicator, timeline, big))));
  if (estimates.length)
    add(section, h("h2", {}, "Intelligence estimates (others' actors, noisy and late)"),
      h("table", {}, h("tr", {}, h("th", {}, "actor"), h("th", {}, "variable"), h("th", {}, "estimate"), h("th", {}, "as of")),
        estimates.map((indicator) => h("tr", {}, h("td", {}, indicator.actor), h("td", {}, indicator.variable),
          h("td", { class: "number estimate" }, "≈" + number(indicator.estimate)), h("td", { class: "muted" }, indicator.as_of)))));
  return section;
}

function lastTurnSection(turn) {
  if (!turn) return null;
  const lines = [];
  for (const inject of turn.injects) lines.push(h("li", {}, "Inject: " + inject.title + (inject.text ? " — " + inject.text : "")));
  for (const move of turn.visible_moves)
    lines.push(h("li", {}, `${move.team} ${move.lever} ${number(move.from)} → ${number(move.to)}` + (move.overridden ? " (facilitator)" : "")));
  for (const move of turn.secret_moves)
    lines.push(h("li", {}, `${move.team} ${move.lever} ${number(move.from)} → ${number(move.to)} (secret)` + (move.overridden ? " (facilitator)" : "")));
  for (const [team, count] of Object.entries(turn.secret_counts))
    if (!turn.secret_moves.some((move) => move.team === team))
      lines.push(h("li", { class: "muted" }, `${team} made ${count} move${count === 1 ? "" : "s"} no one else saw`));
  for (const [team, spent] of Object.entries(turn.spent)) lines.push(h("li", { class: "muted" }, `${team} spent ${number(spent)}`));
  if (!lines.length) lines.push(h("li", { class: "muted" }, "no moves"));
  return h("section", {}, h("h2", {}, `Turn ${turn.turn} (${turn.dates})` + (turn.forced ? ", adjudicated before every team had moved" : "")),
    h("ul", {}, lines));
}

function timelineSection(timeline, clock) {
  return h("section", {}, h("h2", {}, "Turns"),
    h("ol", { class: "timeline" }, timeline.map((turn) =>
      h("li", { class: (turn.played ? "played" : "") + (turn.turn === clock.open_turn ? " open" : "") },
        h("strong", {}, "Turn " + turn.turn), h("br"), h("span", { class: "muted" }, turn.dates),
        turn.injects.map((title) => h("span", { class: "marker" }, "⚑ " + title))))));
}

function teamsSection(teams) {
  return h("section", {}, h("h2", {}, "Moves in"),
    h("ul", { class: "teams" }, teams.map((team) =>
      h("li", { class: team.submitted ? "in" : "" }, team.name + (team.submitted ? " ✓" : " …")))));
}

// The debrief opens in a tab of its own; the facilitator decides when everyone sees the secret moves.
function debriefSection() {
  if (!view.debrief.open) return null;
  const link = h("a", { id: "debrief-link", href: "/debrief?token=" + encodeURIComponent(token), target: "_blank", rel: "noreferrer" },
    "Open the debrief");
  const section = h("section", {}, h("h2", {}, "Debrief"), h("p", {}, link,
    view.role === "facilitator" ? " — your copy folds the secret moves away until you open them." :
      view.debrief.revealed ? " — with every team's secret moves." : " — the secret moves are shown once the facilitator reveals them."));
  if (view.role === "facilitator")
    section.append(h("div", { class: "row" }, h("button", { id: "reveal", class: "secondary",
      onclick: () => act("/api/reveal", { reveal: !view.debrief.revealed },
        (answer) => answer.revealed ? "Everyone's debrief now shows the secret moves." : "The secret moves are hidden again.") },
      view.debrief.revealed ? "Hide the secret moves again" : "Reveal the secret moves to everyone")));
  return section;
}

function messageLine() {
  return message ? h("p", { class: message.bad ? "error" : "ok", role: "alert" }, message.text) : null;
}

function scheduledSection(briefing) {
  if (!briefing.scheduled.length) return null;
  return h("section", {}, h("h2", {}, "Scheduled this turn"),
    h("ul", {}, briefing.scheduled.map((event) => h("li", {}, event.date + ": " + event.text))));
}

// --- the team's page ---------------------------------------------------------------------------

// The menu as form controls; the budget left updates as the team chooses. `readOnly`: the
// facilitator's look at the team's page.
function menuSection(briefing, readOnly) {
  const menu = briefing.menu;
  if (!menu) return h("section", {}, h("h2", {}, "Your moves"), h("p", {}, "The game is over."));
  if (!readOnly && (!draft || draft.turn !== menu.turn)) {
    draft = { turn: menu.turn, settings: {} };
    for (const line of menu.levers) draft.settings[line.lever] = line.holding;
  }
  const settings = readOnly ? Object.fromEntries(menu.levers.map((line) => [line.lever, line.holding])) : draft.settings;
  const costOf = (line, setting) => (line.settings.find((entry) => entry.setting === setting) || { cost: 0 }).cost;
  const total = () => menu.levers.reduce((sum, line) => sum + costOf(line, settings[line.lever]), 0);
  const budgetLine = h("p", { class: "budget" });
  const showBudget = () => {
    const cost = total();
    budgetLine.textContent = `Budget this turn ${number(menu.budget)} · these settings cost ${number(cost)} · left ${number(menu.budget - cost)}`;
    budgetLine.classList.toggle("over", cost > menu.budget + 1e-9);
  };
  const rows = menu.levers.map((line) => {
    const select = h("select", { name: line.lever, "aria-label": line.lever, disabled: readOnly,
      onchange: (event) => { settings[line.lever] = Number(event.target.value); showBudget(); } },
      line.settings.map((entry) => h("option", { value: entry.setting, selected: entry.setting === settings[line.lever] },
        `${number(entry.setting)} — costs ${number(entry.cost)}`)));
    return h("tr", {}, h("td", {}, line.lever), h("td", {}, select),
      h("td", { class: "muted" }, line.visible ? "seen by all" : "secret"));
  });
  showBudget();
  const section = h("section", {}, h("h2", {}, `Your moves for turn ${menu.turn}`),
    h("table", {}, h("tr", {}, h("th", {}, "lever"), h("th", {}, "setting (cost per turn)"), h("th", {}, "")), rows),
    budgetLine);
  if (readOnly) {
    add(section, h("p", {}, briefing.submitted ? "Submitted: the settings above are its moves." : "Not submitted yet."));
    return section;
  }
  add(section, h("div", { class: "row" },
    h("button", { id: "submit", onclick: () => act("/api/moves", { turn: menu.turn, moves: draft.settings },
      (answer) => `Saved: ${answer.moves} (costs ${number(answer.cost)} of ${number(answer.budget)}). You can revise until the turn closes.`) },
      briefing.submitted ? "Revise moves" : "Submit moves"),
    h("span", { class: briefing.submitted ? "ok" : "muted" }, briefing.submitted ? "Your moves are in." : "Not submitted yet.")),
    messageLine());
  return section;
}

function teamPage(page) {
  const briefing = view.briefing;
  document.getElementById("title").textContent = briefing.team.name + " — " + briefing.title;
  add(page, debriefSection(), menuSection(briefing, false), scheduledSection(briefing), lastTurnSection(briefing.last_turn),
    indicatorsSection(briefing, view.timeline, "What you see (your own actor and public indicators exactly)", false),
    teamsSection(view.teams), timelineSection(view.timeline, briefing.clock));
}

// --- the projector -------------------------------------------------------------------------------

function projectorPage(page) {
  document.body.classList.add("projector");
  const briefing = view.briefing;
  document.getElementById("title").textContent = briefing.title;
  add(page, debriefSection(), teamsSection(view.teams), indicatorsSection(briefing, view.timeline, "What everyone sees", true),
    timelineSection(view.timeline, briefing.clock), lastTurnSection(briefing.last_turn));
}

// --- the facilitator's dashboard -------------------------------------------------------------

function facilitatorPage(page) {
  const briefing = view.briefing;
  const open = briefing.clock.open_turn !== null;
  document.getElementById("title").textContent = "Facilitator — " + briefing.title;
  const everyoneIn = view.teams.every((team) => team.submitted);

  const minutes = h("input", { type: "number", min: "1", max: "120", value: "10", id: "timer-minutes", "aria-label": "minutes", "data-keep": true });
  const timer = h("section", {}, h("h2", {}, "Turn timer"), h("div", { class: "row" },
    minutes, h("span", {}, "minutes"),
    h("button", { id: "timer-start", onclick: () => act("/api/timer", { action: "start", seconds: Number(minutes.value) * 60 }, () => "Timer started.") }, "Start"),
    h("button", { class: "secondary", id: "timer-pause", onclick: () => act("/api/timer", { action: view.timer.state === "paused" ? "resume" : "pause" }, () => "Timer " + (view.timer.state === "paused" ? "resumed." : "paused.")) },
      view.timer.state === "paused" ? "Resume" : "Pause"),
    h("button", { class: "secondary", id: "timer-extend", onclick: () => act("/api/timer", { action: "extend", seconds: 60 }, () => "One more minute.") }, "+1 min"),
    h("button", { class: "secondary", id: "timer-stop", onclick: () => act("/api/timer", { action: "stop" }, () => "Timer stopped.") }, "Stop")));

  const teams = h("section", {}, h("h2", {}, "Teams"),
    h("table", {}, h("tr", {}, h("th", {}, "team"), h("th", {}, "moves"), h("th", {}, "")),
      view.teams.map((team) => h("tr", {}, h("td", {}, `${team.name} (${team.id})`),
        h("td", { class: team.submitted ? "ok" : "muted" }, team.computer ? "made by the computer" : team.submitted ? "submitted" : "waiting"),
        h("td", {}, h("button", { class: "secondary", onclick: async () => { teamLook = { team: team.id }; await refresh(); } },
          "See its page"))))));

  const deck = h("select", { id: "deck", "aria-label": "inject card", "data-keep": true },
    view.deck.map((card) => h("option", { value: card.card }, `${card.card}: ${card.title}`)));
  const injects = h("section", {}, h("h2", {}, "Injects this turn (teams see them once the turn is adjudicated)"),
    h("ul", { id: "open-injects" }, view.open_turn.injects.length
      ? view.open_turn.injects.map((inject, index) => h("li", {}, inject.title + (inject.text ? " — " + inject.text : "") + " ",
          h("button", { class: "secondary", onclick: () => act("/api/injects", { remove: index }, (answer) => `Inject "${answer.title}" removed.`) }, "Remove")))
      : h("li", { class: "muted" }, "none")),
    h("div", { class: "row" }, deck, h("button", { id: "inject", disabled: !open || !view.deck.length,
      onclick: () => act("/api/injects", { card: deck.value }, (answer) => `Inject "${answer.title}" added to turn ${answer.turn}.`) }, "Add inject")),
    adHocForm(open));

  const overrides = h("section", {}, h("h2", {}, "Overrides this turn (a team's levers set by the white cell)"),
    h("ul", { id: "open-overrides" }, view.open_turn.overrides.length
      ? view.open_turn.overrides.map((entry, index) => h("li", {}, `${entry.team} ${entry.lever} ${number(entry.value)}` + (entry.note ? ": " + entry.note : "") + " ",
          h("button", { class: "secondary", onclick: () => act("/api/overrides", { remove: index }, () => "Override removed.") }, "Remove")))
      : h("li", { class: "muted" }, "none")),
    overrideForm(open));

  const advance = h("section", {}, h("h2", {}, "Adjudicate"), h("div", { class: "row" },
    h("button", { id: "advance", disabled: !open || !everyoneIn, onclick: () => act("/api/advance", { force: false }, (answer) => `Turn ${answer.turn} adjudicated.`) }, "Advance"),
    h("button", { id: "force", class: "danger", disabled: !open || everyoneIn,
      onclick: () => confirm("Adjudicate although some teams have not moved? They keep their settings.") &&
        act("/api/advance", { force: true }, (answer) => `Turn ${answer.turn} adjudicated (forced).`) }, "Force"),
    h("button", { id: "undo", class: "secondary", disabled: briefing.clock.played === 0, onclick: undoTurn }, "Undo last turn")),
    messageLine());

  add(page, advance, timer, teams, debriefSection());
  if (teamLook && teamLook.briefing) {
    const look = teamLook.briefing;
    add(page, h("section", { id: "team-look" }, h("h2", {}, `${look.team.name}'s page, as the team sees it`),
      h("button", { class: "secondary", onclick: () => { teamLook = null; render(); } }, "Close")),
      menuSection(look, true), indicatorsSection(look, view.timeline, look.team.name + " sees", false));
  }
  add(page, injects, overrides, lastTurnSection(briefing.last_turn),
    indicatorsSection(briefing, view.timeline, "Everything, exactly", false), timelineSection(view.timeline, briefing.clock));
}

// An inject made up on the spot: a title, jumps to state variables (ACTOR.VARIABLE=DELTA) and
// levers held for some months (ACTOR.LEVER=VALUE), each a comma-separated list.
function adHocForm(open) {
  const field = (id, placeholder, size) => h("input", { id, type: "text", placeholder, "aria-label": placeholder, size, "data-keep": true });
  const title = field("adhoc-title", "title", "24"), jumps = field("adhoc-jumps", "jumps: CHN.coercion=0.1, …", "28"),
        levers = field("adhoc-levers", "levers: CHN.direct_pressure=0.1, …", "30"),
        months = h("input", { id: "adhoc-months", type: "number", min: "0", max: "120", value: "3", "aria-label": "months", "data-keep": true });
  const list = (input) => input.value.split(",").map((item) => item.trim()).filter((item) => item);
  return h("div", { class: "row" }, h("span", {}, "Ad hoc:"), title, jumps, levers, months, h("span", {}, "months"),
    h("button", { id: "adhoc", class: "secondary", disabled: !open, onclick: () => {
      const request = { title: title.value, jumps: list(jumps), levers: list(levers), months: Number(months.value) };
      title.value = jumps.value = levers.value = "";
      act("/api/injects", request, (answer) => `Inject "${answer.title}" added to turn ${answer.turn}.`);
    } }, "Add"));
}

// The facilitator's override: a team, any of its levers set to one of their settings, one note.
let overrideTeam = null;
function overrideForm(open) {
  const teams = Object.keys(view.menus);
  if (!overrideTeam || !teams.includes(overrideTeam)) overrideTeam = teams[0];
  const team = h("select", { id: "override-team", "aria-label": "team", onchange: (event) => { overrideTeam = event.target.value; render(); } },
    teams.map((id) => h("option", { value: id, selected: id === overrideTeam }, id)));
  const levers = view.menus[overrideTeam].map((line) => {
    const select = h("select", { name: "override-" + line.lever, "aria-label": line.lever, "data-keep": true },
      h("option", { value: "" }, "(as the team chose)"),
      line.settings.map((setting) => h("option", { value: setting }, number(setting))));
    return h("tr", {}, h("td", {}, line.lever), h("td", {}, select));
  });
  const note = h("input", { id: "override-note", type: "text", placeholder: "why (for the debrief)", "aria-label": "note", size: "40", "data-keep": true });
  const form = h("div", {}, h("div", { class: "row" }, h("span", {}, "Team"), team),
    h("table", {}, levers), h("div", { class: "row" }, note,
      h("button", { id: "override", disabled: !open, onclick: () => {
        const chosen = {};
        for (const select of form.querySelectorAll("select[name^=override-]"))
          if (select.value !== "") chosen[select.name.slice("override-".length)] = Number(select.value);
        const why = note.value;
        // Cleared at once, so that the next override starts afresh (the page keeps what is typed).
        for (const select of form.querySelectorAll("select[name^=override-]")) select.value = "";
        note.value = "";
        act("/api/overrides", { team: overrideTeam, levers: chosen, note: why },
          (answer) => `Override recorded: ${answer.overrides.map((entry) => `${entry.team} ${entry.lever} ${number(entry.value)}`).join(", ")}.`);
      } }, "Override")));
  return form;
}

// Undo: reopens the last adjudicated turn; if the open turn already has entries, says which
// would be thrown away and asks before discarding them.
async function undoTurn() {
  let answer = await api("/api/undo", { discard_open: false });
  if (!answer.ok && answer.status === 409 && confirm(answer.data.error + "\n\nDiscard them and reopen the last turn?"))
    answer = await api("/api/undo", { discard_open: true });
  if (answer.ok) {
    const discarded = answer.data.discarded.map((entry) => (entry.team ? entry.team + " " : "") + entry.kind + ": " + entry.detail);
    message = { text: `Turn ${answer.data.reopened_turn} reopened.` + (discarded.length ? " Discarded: " + discarded.join("; ") + "." : ""), bad: false };
  } else {
    message = { text: answer.data.error, bad: true };
  }
  await refresh();
}

// --- rendering -----------------------------------------------------------------------------------

// What the facilitator was typing or choosing (marked data-keep) survives the page being drawn
// again for someone else's change; so does the focus.
function keptInputs() {
  const kept = new Map();
  for (const input of document.querySelectorAll("#page [data-keep]")) kept.set(input.id || input.name, input.value);
  const focused = document.activeElement && (document.activeElement.id || document.activeElement.name);
  return () => {
    for (const input of document.querySelectorAll("#page [data-keep]"))
      if (kept.has(input.id || input.name)) input.value = kept.get(input.id || input.name);
    const again = focused && (document.getElementById(focused) || document.getElementsByName(focused)[0]);
    if (again) again.focus();
  };
}

let renderedTurn = null;
function render() {
  const restore = keptInputs();
  // A new turn: the last action's message was about the one before.
  if (view.briefing.clock.open_turn !== renderedTurn) message = null;
  renderedTurn = view.briefing.clock.open_turn;
  document.getElementById("turn").textContent = clockText(view.briefing.clock);
  tickTimer();
  const page = document.getElementById("page");
  page.replaceChildren();
  if (view.role === "team") teamPage(page);
  else if (view.role === "projector") projectorPage(page);
  else facilitatorPage(page);
  restore();
}

if (!token) {
  document.getElementById("no-token").hidden = false;
  setConnection(false);
} else {
  // The token stays in the page's memory; the address bar keeps it only so a reload works.
  refresh();
  connect();
  setInterval(tickTimer, 250);
}
