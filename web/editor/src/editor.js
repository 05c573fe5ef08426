// Cohort's code editor: CodeMirror 6, bundled by ../build.sh into
// crates/cohort-web/assets/editor.js, which the binary serves, so nothing is fetched at run time.
//
// Progressive enhancement: the page renders a plain <textarea> inside its <form>; without
// JavaScript that textarea is the editor and is submitted as usual. With this script,
//
//   const view = CohortEditor.mount(textarea, { language: "cpp", onPaste: (n) => ... });
//   CohortEditor.setLanguage(view, "python3");   // when the language <select> changes
//   CohortEditor.setValue(view, starterCode);    // problem switch / reset to starter code
//
// hides the textarea and shows a CodeMirror view in its place. Every change in the editor is
// written back to `textarea.value` (and an `input` event is fired on the textarea, as typing in
// it would), so form submission and autosave keep reading the textarea.
//
// Language ids: "cpp", "c" (highlighted with the C++ mode), "java", "python3". An unknown or
// empty id gives a plain-text editor rather than an error.

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

const LANGUAGES = {
  cpp: cpp,
  c: cpp,
  java: java,
  python3: python,
};

// One LanguageSupport per id, made on first use.
const languageCache = new Map();

function languageExtension(id) {
  const make = Object.prototype.hasOwnProperty.call(LANGUAGES, id) ? LANGUAGES[id] : null;
  if (!make) return [];
  if (!languageCache.has(id)) languageCache.set(id, make());
  return languageCache.get(id);
}

// Per view: the textarea it stands for, the options it was mounted with, its language compartment.
const mounted = new WeakMap();
// Per textarea: its view, so that mounting twice returns the same editor.
const byTextarea = new WeakMap();

function labelFor(textarea) {
  const own = textarea.getAttribute("aria-label");
  if (own) return own;
  const labels = textarea.labels ? Array.from(textarea.labels) : [];
  const text = labels
    .map((label) => label.textContent.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join(" ");
  return text || textarea.getAttribute("placeholder") || "Code editor";
}

function contentAttributes(textarea) {
  const attrs = { "aria-label": labelFor(textarea) };
  for (const name of ["aria-labelledby", "aria-describedby"]) {
    const value = textarea.getAttribute(name);
    if (value) attrs[name] = value;
  }
  return attrs;
}

const theme = EditorView.theme({
  "&": {
    border: "1px solid #8a8a8a",
    borderRadius: "4px",
    backgroundColor: "#fff",
    fontSize: "14px",
  },
  "&.cm-focused": {
    outline: "2px solid #1a5fb4",
    outlineOffset: "1px",
  },
  ".cm-scroller": {
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
    lineHeight: "1.45",
    overflow: "auto",
  },
  ".cm-gutters": {
    backgroundColor: "#f4f4f4",
    color: "#555",
    borderRight: "1px solid #ddd",
  },
});

// Everything but the document: rebuilt by setValue, which starts a fresh state (and so a fresh
// undo history) for a new problem.
function extensions(entry) {
  const { textarea, options, language } = entry;
  return [
    // Through the editor's own attributes: CodeMirror rewrites the class attribute of its root
    // element as it updates, so a class added by hand would be gone after the first keystroke.
    EditorView.editorAttributes.of({ class: "cohort-editor" }),
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    // highlightSpecialChars, history, drawSelection, the default highlight style, and the
    // default keymap (Enter indents the new line, Mod-z / Mod-Shift-z or Mod-y undo and redo).
    minimalSetup,
    bracketMatching(),
    indentOnInput(),
    indentUnit.of("    "),
    EditorState.tabSize.of(4),
    // Tab indents and Shift-Tab dedents. To leave the editor from the keyboard, press Escape
    // and then Tab (or Ctrl-M / Shift-Alt-M on macOS to toggle tab-focus mode): both are
    // built into CodeMirror.
    keymap.of([indentWithTab]),
    language.of(languageExtension(entry.languageId)),
    EditorView.contentAttributes.of(contentAttributes(textarea)),
    EditorState.readOnly.of(textarea.readOnly || textarea.disabled),
    EditorView.editable.of(!textarea.disabled),
    theme,
    EditorView.updateListener.of((update) => {
      let pasted = 0;
      for (const tr of update.transactions) {
        if (!tr.isUserEvent("input.paste")) continue;
        tr.changes.iterChanges((_fromA, _toA, _fromB, _toB, inserted) => {
          pasted += inserted.length;
        });
      }
      if (update.docChanged) {
        textarea.value = update.state.doc.toString();
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      }
      if (pasted > 0 && typeof options.onPaste === "function") {
        try {
          options.onPaste(pasted);
        } catch (err) {
          // A failing callback must not break typing.
          setTimeout(() => {
            throw err;
          });
        }
      }
    }),
  ];
}

function requireView(view, fn) {
  const entry = view && mounted.get(view);
  if (!entry) throw new TypeError("CohortEditor." + fn + ": not a view returned by CohortEditor.mount");
  return entry;
}

/**
 * Replace `textarea` with a CodeMirror editor holding its current value.
 * options.language: "cpp" | "c" | "java" | "python3" (anything else: plain text).
 * options.onPaste(sizeInChars): called after each paste into the editor with the number of
 *   characters it inserted.
 * options.height: CSS height of the editor (default: the textarea's rendered height, or its
 *   `rows` in lines).
 * Returns the EditorView (call view.focus() to focus it).
 */
function mount(textarea, options = {}) {
  if (!textarea || textarea.tagName !== "TEXTAREA") {
    throw new TypeError("CohortEditor.mount: expected a <textarea>");
  }
  const existing = byTextarea.get(textarea);
  if (existing) return existing;

  const rendered = textarea.offsetHeight;
  const height =
    options.height ||
    (rendered > 0 ? rendered + "px" : Math.max(textarea.rows || 0, 10) * 1.45 + 0.5 + "em");

  const entry = {
    textarea,
    options,
    language: new Compartment(),
    languageId: options.language || "",
  };
  const view = new EditorView({
    state: EditorState.create({ doc: textarea.value, extensions: extensions(entry) }),
  });
  view.dom.style.height = height;
  view.dom.dataset.language = entry.languageId;

  textarea.insertAdjacentElement("afterend", view.dom);
  textarea.hidden = true;
  textarea.style.display = "none";
  // A hidden control cannot show a validation message, and the browser would refuse to submit
  // a form with an empty `required` one without saying why.
  if (textarea.required) {
    textarea.required = false;
    textarea.dataset.cohortEditorRequired = "";
  }

  // <label for=...> points at the hidden textarea: send its clicks to the editor.
  if (textarea.labels) {
    for (const label of textarea.labels) {
      label.addEventListener("click", (event) => {
        event.preventDefault();
        view.focus();
      });
    }
  }
  // A form reset restores the textarea's default value; show it in the editor too.
  if (textarea.form) {
    textarea.form.addEventListener("reset", () => {
      setTimeout(() => setValue(view, textarea.value));
    });
  }

  mounted.set(view, entry);
  byTextarea.set(textarea, view);
  return view;
}

/** Switch syntax highlighting (and indentation rules) to `language`. */
function setLanguage(view, language) {
  const entry = requireView(view, "setLanguage");
  entry.languageId = language || "";
  view.dom.dataset.language = entry.languageId;
  view.dispatch({ effects: entry.language.reconfigure(languageExtension(entry.languageId)) });
}

/**
 * Replace the whole content with `text`, e.g. on a problem switch or a reset to the starter code.
 * This starts a fresh undo history, writes `textarea.value`, and (like setting a textarea's value
 * from script) fires no `input` event and no onPaste.
 */
function setValue(view, text) {
  const entry = requireView(view, "setValue");
  const doc = text == null ? "" : String(text);
  view.setState(EditorState.create({ doc, extensions: extensions(entry) }));
  entry.textarea.value = view.state.doc.toString();
}

window.CohortEditor = Object.freeze({ mount, setLanguage, setValue });
