// Cohort's live coding pad: CodeMirror 6 bound to a Yjs document that the server keeps, over
// the y-sync protocol on a WebSocket (y-websocket's provider). Bundled by ../build.sh into
// crates/cohort-web/assets/pad.js.
//
// The page renders <section data-pad ...> with these attributes:
//   data-pad-socket     the WebSocket path (/pads/ID/ws); the provider adds nothing to it
//   data-pad-name       the signed-in person's name, shown beside their cursor
//   data-pad-role       "interviewer" or "candidate" (the cursor's colour)
//   data-pad-editable   "true" while the pad takes edits
//   data-pad-language   the language the page starts with
// and inside it: [data-pad-editor] (where the editor goes), [data-pad-status] (connection
// state), [data-pad-people] (who is here), select[data-pad-language-choice] (optional), and
// buttons [data-pad-paste] with the text to paste in their data-text attribute (interviewer).
//
// The server rewrites the name in every awareness state to the account's own, so the name here
// is only what the page shows before the first round trip.

import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { yCollab } from "y-codemirror.next";
import { minimalSetup } from "codemirror";
import { Compartment, EditorState } from "@codemirror/state";
import {
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput, indentUnit } from "@codemirror/language";
import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";
import { python } from "@codemirror/lang-python";

// Highlighting by the judge's language id; the rest are edited as plain text.
const HIGHLIGHT = {
  cpp: cpp,
  c: cpp,
  java: java,
  kotlin: java,
  scala: java,
  csharp: java,
  javascript: java,
  go: cpp,
  rust: cpp,
  python3: python,
  pypy3: python,
};

const COLOURS = {
  interviewer: { color: "#1a5fb4", light: "#1a5fb433" },
  candidate: { color: "#c64600", light: "#c6460033" },
};

function highlighting(id) {
  const make = Object.prototype.hasOwnProperty.call(HIGHLIGHT, id) ? HIGHLIGHT[id] : null;
  return make ? make() : [];
}

const theme = EditorView.theme({
  "&": {
    border: "1px solid #8a8a8a",
    borderRadius: "4px",
    backgroundColor: "#fff",
    fontSize: "14px",
    height: "100%",
  },
  "&.cm-focused": { outline: "2px solid #1a5fb4", outlineOffset: "1px" },
  ".cm-scroller": {
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
    lineHeight: "1.45",
    overflow: "auto",
  },
  ".cm-gutters": { backgroundColor: "#f4f4f4", color: "#555", borderRight: "1px solid #ddd" },
  ".cm-ySelectionInfo": { fontFamily: "system-ui, sans-serif", fontSize: "12px", opacity: "1" },
});

function socketBase(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  // y-websocket joins the server URL and the room with "/": split the path at its last one.
  const cut = path.lastIndexOf("/");
  return {
    server: scheme + "//" + window.location.host + path.slice(0, cut),
    room: path.slice(cut + 1),
  };
}

function describeStatus(status, synced, editable) {
  if (status === "connected" && synced) {
    return editable ? "Connected: edits are shared as you type." : "Connected (read-only).";
  }
  if (status === "connecting") {
    return editable
      ? "Connecting… anything you type is kept and shared once the connection is back."
      : "Connecting…";
  }
  if (status === "connected") return "Connected: catching up…";
  return editable
    ? "Offline: your edits are kept and shared once the connection is back."
    : "Offline.";
}


function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function describeRun(result) {
  if (!result) return ["Running…", ""];
  const outcome = result.outcome || {};
  switch (outcome.kind) {
    case "finished":
      return ["Finished", "outcome-ok"];
    case "compile_error":
      return ["Did not compile", "outcome-bad"];
    case "unavailable":
      return ["Could not run: " + outcome.detail, "outcome-bad"];
    default:
      return ["Failed: " + (outcome.detail || "unknown"), "outcome-bad"];
  }
}

// One run as both pages and the replay list it. Output is text (textContent), never HTML.
function runItem(run, languageName, prefix) {
  const item = element("li");
  item.dataset.run = String(run.id);
  item.dataset.done = String(run.done);
  const [words, className] = describeRun(run.result);
  const head = element("p");
  if (prefix) head.append(element("span", prefix + " · ", "meta"));
  head.append(element("strong", words, className));
  const facts = [languageName(run.language)];
  if (run.result) {
    facts.push(run.result.time_ms + " ms CPU");
    if (run.result.memory_kib > 0) facts.push((run.result.memory_kib / 1024).toFixed(1) + " MiB");
  }
  head.append(element("span", " · " + facts.join(" · "), "meta"));
  item.append(head);
  if (run.input) {
    const input = element("details");
    input.append(element("summary", "Input"), element("pre", run.input));
    item.append(input);
  }
  if (run.result) {
    if (run.result.compile_output) item.append(element("pre", run.result.compile_output, "compile-output"));
    item.append(element("pre", run.result.stdout || "(no output)", "stdout"));
    if (run.result.stderr) {
      item.append(element("p", "Standard error", "meta"), element("pre", run.result.stderr, "stderr"));
    }
  }
  return item;
}

function languageNamer(choice) {
  return (id) => {
    const option = choice ? Array.from(choice.options).find((o) => o.value === id) : null;
    return option ? option.textContent : id;
  };
}

function start(root) {
  const editable = root.dataset.padEditable === "true";
  const role = root.dataset.padRole === "interviewer" ? "interviewer" : "candidate";
  const doc = new Y.Doc();
  const code = doc.getText("code");
  const settings = doc.getMap("pad");
  const { server, room } = socketBase(root.dataset.padSocket);
  const provider = new WebsocketProvider(server, room, doc, {
    // Only the server relays edits: two tabs of one browser must not sync behind its back.
    disableBc: true,
    maxBackoffTime: 5000,
  });
  const colours = COLOURS[role];
  if (editable) {
    provider.awareness.setLocalStateField("user", {
      name: root.dataset.padName || "Someone",
      color: colours.color,
      colorLight: colours.light,
      role,
    });
  } else {
    provider.awareness.setLocalState(null);
  }

  const languageCompartment = new Compartment();
  const initialLanguage = root.dataset.padLanguage || "";
  const undoManager = new Y.UndoManager(code);
  const view = new EditorView({
    parent: root.querySelector("[data-pad-editor]"),
    state: EditorState.create({
      doc: code.toString(),
      extensions: [
        EditorView.editorAttributes.of({ class: "cohort-editor" }),
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        minimalSetup,
        bracketMatching(),
        indentOnInput(),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        keymap.of([indentWithTab]),
        languageCompartment.of(highlighting(settings.get("language") || initialLanguage)),
        // An explicit tab stop: the scroller around the content must hold something focusable
        // for keyboard users to scroll it (axe: scrollable-region-focusable).
        EditorView.contentAttributes.of({ "aria-label": "Shared code", tabindex: "0" }),
        EditorState.readOnly.of(!editable),
        EditorView.editable.of(editable),
        theme,
        yCollab(code, provider.awareness, { undoManager }),
      ],
    }),
  });

  const status = root.querySelector("[data-pad-status]");
  let lastStatus = "connecting";
  let closedWith = null;
  const showStatus = () => {
    if (!status) return;
    if (closedWith) {
      status.textContent = closedWith;
      status.dataset.state = "closed";
      return;
    }
    status.textContent = describeStatus(lastStatus, provider.synced, editable);
    status.dataset.state = lastStatus === "connected" && provider.synced ? "live" : lastStatus;
  };
  provider.on("status", (event) => {
    lastStatus = event.status;
    showStatus();
  });
  provider.on("sync", showStatus);
  // The server closes with 1000 when the pad closes (the interview is over) and 1008 when the
  // client broke a rule: reconnecting would not help, so the page says why and stops. Any other
  // close (a dropped network, a busy server, a reload on the server) reconnects by itself.
  // A handshake the server refuses (the interview was called off or passed to someone else)
  // looks like a dropped connection; after many in a row while the browser is online, the page
  // stops trying and says so.
  let opened = false;
  let refused = 0;
  provider.on("status", (event) => {
    if (event.status === "connected") {
      opened = true;
      refused = 0;
    }
  });
  provider.on("connection-close", (event) => {
    if (!opened && navigator.onLine) refused += 1;
    opened = false;
    if (refused >= 10) {
      closedWith = "The pad cannot be reached. Reload the page to see why.";
      provider.disconnect();
      showStatus();
      return;
    }
    if (!event || (event.code !== 1000 && event.code !== 1008)) return;
    closedWith = (event.reason || "The pad is closed.") + (role === "interviewer" && event.code === 1000 ? " Reloading…" : "");
    provider.disconnect();
    showStatus();
    // The interviewer's page comes back read-only; the candidate's would only be refused.
    if (role === "interviewer" && event.code === 1000) setTimeout(() => window.location.reload(), 1500);
  });
  showStatus();

  const people = root.querySelector("[data-pad-people]");
  const showPeople = () => {
    if (!people) return;
    const names = [];
    provider.awareness.getStates().forEach((state, client) => {
      if (!state || !state.user) return;
      const you = client === doc.clientID ? " (you)" : "";
      names.push({ name: state.user.name + you, color: state.user.color || "#555" });
    });
    people.replaceChildren(
      ...names.map((person) => {
        const item = document.createElement("li");
        const dot = document.createElement("span");
        dot.className = "pad-dot";
        dot.style.backgroundColor = person.color;
        dot.setAttribute("aria-hidden", "true");
        item.append(dot, document.createTextNode(person.name));
        return item;
      }),
    );
  };
  provider.awareness.on("change", showPeople);
  showPeople();

  const choice = root.querySelector("select[data-pad-language-choice]");
  const applyLanguage = () => {
    const id = settings.get("language") || initialLanguage;
    view.dispatch({ effects: languageCompartment.reconfigure(highlighting(id)) });
    if (choice && choice.value !== id && id) choice.value = id;
    root.dataset.padCurrentLanguage = id;
  };
  settings.observe(applyLanguage);
  // Each language's starter: a new pad gets the first language's, and switching language swaps
  // the code for the new language's starter while the code is still empty or the old starter
  // (never once someone has written something of their own).
  let starters = {};
  try {
    starters = JSON.parse(root.dataset.padStarters || "{}");
  } catch (_) {
    starters = {};
  }
  const starterOf = (id) => (Object.prototype.hasOwnProperty.call(starters, id) ? starters[id] : "");
  const switchTo = (id) => {
    doc.transact(() => {
      const previous = starterOf(settings.get("language") || initialLanguage);
      const current = code.toString();
      if (current.trim() === "" || current === previous) {
        code.delete(0, code.length);
        code.insert(0, starterOf(id));
      }
      settings.set("language", id);
    });
  };
  if (choice) {
    choice.disabled = !editable;
    choice.addEventListener("change", () => switchTo(choice.value));
  }
  // Only the interviewer's page fills a new pad, once, after it has the server's copy. The
  // starter is written by a scratch document with a fixed client id, so two tabs seeding at once
  // make the very same items, which Yjs merges into one starter.
  if (editable && role === "interviewer") {
    const seed = (synced) => {
      if (!synced || settings.get("started") || code.length !== 0) return;
      const scratch = new Y.Doc();
      scratch.clientID = 1;
      scratch.getText("code").insert(0, starterOf(settings.get("language") || initialLanguage));
      scratch.getMap("pad").set("started", true);
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(scratch));
    };
    provider.on("sync", seed);
  }

  for (const button of root.querySelectorAll("[data-pad-paste]")) {
    button.disabled = !editable;
    button.addEventListener("click", () => {
      const text = button.dataset.text || "";
      const at = view.state.selection.main.head;
      const before = at > 0 && view.state.doc.sliceString(at - 1, at) !== "\n" ? "\n" : "";
      view.dispatch({
        changes: { from: at, insert: before + text + "\n" },
        userEvent: "input.paste",
      });
      view.focus();
    });
  }

  const runs = startRuns(root, settings, choice);

  const pad = { doc, code, settings, provider, view, runs, text: () => code.toString() };
  root.cohortPad = pad;
  return pad;
}

// Runs: the interviewer's Run posts the form; the new run's id goes into the shared settings,
// so both pages fetch the pad's runs until it is done. Output is text (textContent), never HTML.
function startRuns(root, settings, choice) {
  const section = root.querySelector("[data-pad-runs]");
  if (!section) return null;
  const list = section.querySelector("[data-pad-run-list]");
  const empty = section.querySelector("[data-pad-runs-empty]");
  const form = root.querySelector("form[data-pad-run]");
  const status = form ? form.querySelector("[data-pad-run-status]") : null;
  const say = (text) => {
    if (status) status.textContent = text;
  };
  const languageName = languageNamer(choice);
  const render = (runs) => {
    if (empty) empty.hidden = runs.length > 0;
    list.replaceChildren(...runs.map((run) => runItem(run, languageName)));
  };
  let timer = null;
  const refresh = () => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    return fetch(section.dataset.padRuns, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { runs: null }))
      .then((body) => {
        if (!body.runs) return;
        render(body.runs);
        const waiting = body.runs.some((run) => !run.done);
        if (waiting) timer = setTimeout(refresh, 700);
        else say("");
      })
      .catch(() => {
        timer = setTimeout(refresh, 2000);
      });
  };
  settings.observe((event) => {
    if (event.keysChanged.has("run")) refresh();
  });
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      say("Queued…");
      fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        headers: { accept: "application/json" },
      })
        .then((response) =>
          response
            .json()
            .catch(() => ({ error: "The server did not answer (" + response.status + ")." }))
            .then((body) => ({ ok: response.ok, body })),
        )
        .then(({ ok, body }) => {
          if (!ok) {
            say(body.error || "Not run.");
            return;
          }
          say("Running…");
          settings.set("run", body.id);
          refresh();
        })
        .catch(() => say("Not run: you are offline."));
    });
  }
  refresh();
  return { refresh };
}

function startAll() {
  for (const root of document.querySelectorAll("[data-pad]")) {
    if (!root.cohortPad) start(root);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startAll);
} else {
  startAll();
}

window.CohortPad = Object.freeze({ start });

// The interviewer's private notes: saved a moment after they stop typing, by the same form post
// the Save button makes, so nothing depends on the WebSocket.
function autosaveNotes(form) {
  const status = form.querySelector("[data-pad-notes-status]");
  const say = (text) => {
    if (status) status.textContent = text;
  };
  let timer = null;
  let saving = Promise.resolve();
  const save = () => {
    timer = null;
    const body = new URLSearchParams(new FormData(form));
    saving = saving
      .then(() =>
        fetch(form.action, {
          method: "POST",
          body,
          headers: { "x-cohort-autosave": "1" },
          credentials: "same-origin",
        }),
      )
      .then((response) => say(response.ok ? "Saved." : "Not saved: use the Save button."))
      .catch(() => say("Not saved: you are offline. Use the Save button when you are back."));
  };
  form.addEventListener("input", () => {
    say("Editing…");
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
}

function startNotes() {
  for (const form of document.querySelectorAll("form[data-pad-notes]")) autosaveNotes(form);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startNotes);
} else {
  startNotes();
}

// The replay of a finished pad: the stored updates, applied in the order the server applied
// them, to a fresh document: position k shows the document after the first k updates, which is
// the document both people had then. Checkpoints every 50 updates keep dragging fast.
const CHECKPOINT_EVERY = 50;

function minutesSeconds(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const sign = ms < 0 ? "-" : "";
  const minutes = Math.floor(Math.abs(total) / 60);
  const seconds = String(Math.abs(total) % 60).padStart(2, "0");
  return sign + minutes + ":" + seconds;
}

function startReplay(root) {
  const choice = root.querySelector("select[data-pad-language-choice]");
  const languageName = languageNamer(choice);
  const language = new Compartment();
  const view = new EditorView({
    parent: root.querySelector("[data-pad-editor]"),
    state: EditorState.create({
      doc: "",
      extensions: [
        EditorView.editorAttributes.of({ class: "cohort-editor" }),
        lineNumbers(),
        minimalSetup,
        language.of([]),
        EditorView.contentAttributes.of({ "aria-label": "The code at this moment", tabindex: "0" }),
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        theme,
      ],
    }),
  });
  const play = root.querySelector("[data-replay-play]");
  const speed = root.querySelector("[data-replay-speed]");
  const position = root.querySelector("[data-replay-position]");
  const where = root.querySelector("[data-replay-where]");
  const list = root.querySelector("[data-pad-run-list]");
  const empty = root.querySelector("[data-pad-runs-empty]");
  const replay = { count: 0, at: 0 };
  root.cohortReplay = replay;

  fetch(root.dataset.padReplay, { credentials: "same-origin", headers: { accept: "application/json" } })
    .then((response) => response.json())
    .then((history) => {
      const steps = history.steps.map((step) => ({
        at: step.at_ms,
        by: step.by,
        data: Uint8Array.from(atob(step.data), (c) => c.charCodeAt(0)),
      }));
      const checkpoints = [];
      const doc = new Y.Doc();
      checkpoints.push(Y.encodeStateAsUpdate(doc));
      steps.forEach((step, index) => {
        Y.applyUpdate(doc, step.data);
        if ((index + 1) % CHECKPOINT_EVERY === 0) checkpoints.push(Y.encodeStateAsUpdate(doc));
      });
      const documentAt = (k) => {
        const base = Math.floor(k / CHECKPOINT_EVERY);
        const at = new Y.Doc();
        Y.applyUpdate(at, checkpoints[base]);
        for (let i = base * CHECKPOINT_EVERY; i < k; i++) Y.applyUpdate(at, steps[i].data);
        return { text: at.getText("code").toString(), language: at.getMap("pad").get("language") || "python3" };
      };
      const timeAt = (k) => (k === 0 ? history.starts_at_ms : steps[k - 1].at);
      let shownLanguage = null;
      const show = (k) => {
        replay.at = k;
        position.value = String(k);
        const { text, language: id } = documentAt(k);
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
        if (id !== shownLanguage) {
          shownLanguage = id;
          view.dispatch({ effects: language.reconfigure(highlighting(id)) });
        }
        const moment = minutesSeconds(timeAt(k) - history.starts_at_ms);
        const by = k === 0 ? "" : steps[k - 1].by === "interviewer" ? " · typed by the interviewer" : " · typed by the candidate";
        where.textContent = steps.length === 0
          ? "Nothing was written in this pad."
          : `Change ${k} of ${steps.length} · ${moment} from the start${by}`;
        // At the end, every run; before it, those made by then.
        const ran = history.runs.filter((run) => k === steps.length || run.created_at_ms <= timeAt(k));
        if (empty) empty.hidden = ran.length > 0;
        list.replaceChildren(
          ...ran
            .slice()
            .reverse()
            .map((run) => runItem(run, languageName, minutesSeconds(run.created_at_ms - history.starts_at_ms))),
        );
      };
      replay.count = steps.length;
      replay.documentAt = documentAt;
      replay.show = show;
      position.max = String(steps.length);
      position.addEventListener("input", () => {
        stop();
        show(Number(position.value));
      });
      let timer = null;
      const stop = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        play.textContent = "Play";
      };
      const next = () => {
        if (replay.at >= steps.length) {
          stop();
          return;
        }
        show(replay.at + 1);
        const gap = replay.at < steps.length ? steps[replay.at].at - steps[replay.at - 1].at : 0;
        // Long pauses are shortened to two seconds: the replay is for what was typed.
        const wait = Math.max(10, Math.min(gap, 2000) / Number(speed.value || 1));
        timer = setTimeout(next, wait);
      };
      play.addEventListener("click", () => {
        if (timer) {
          stop();
          return;
        }
        if (replay.at >= steps.length) show(0);
        play.textContent = "Pause";
        timer = setTimeout(next, 10);
      });
      play.disabled = steps.length === 0;
      show(steps.length);
      root.dataset.replayReady = "true";
    })
    .catch(() => {
      where.textContent = "The replay could not be loaded; reload the page to try again.";
    });
}

function startReplays() {
  for (const root of document.querySelectorAll("[data-pad-replay]")) {
    if (!root.cohortReplay) startReplay(root);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startReplays);
} else {
  startReplays();
}
