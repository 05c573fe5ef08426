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
  const showStatus = () => {
    if (!status) return;
    status.textContent = describeStatus(lastStatus, provider.synced, editable);
    status.dataset.state = lastStatus === "connected" && provider.synced ? "live" : lastStatus;
  };
  provider.on("status", (event) => {
    lastStatus = event.status;
    showStatus();
  });
  provider.on("sync", showStatus);
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
  if (choice) {
    choice.disabled = !editable;
    choice.addEventListener("change", () => settings.set("language", choice.value));
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

  const pad = { doc, code, settings, provider, view, text: () => code.toString() };
  root.cohortPad = pad;
  return pad;
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
