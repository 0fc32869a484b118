// The live desk: post, correct, pin and mark entries with fetch (CSRF header), redrawing only the stream, so the
// form keeps its focus and the next entry can be typed at once. Without this script every button is a form post.
// The text is the story body's editor (django-prose-editor, with static/articles/editor-media.js for photos,
// galleries and embeds); it keeps the form's textarea in step, so what is posted is the textarea's value either way.
(function () {
  "use strict";
  const desk = document.querySelector(".live-desk");
  if (!desk) return;
  const form = desk.querySelector("[data-desk-form]");
  const stream = desk.querySelector("[data-desk-stream]");
  const status = desk.querySelector("[data-desk-status]");
  const submit = form.querySelector("[data-submit]");
  const cancel = form.querySelector("[data-cancel]");
  const title = form.querySelector("[data-form-title]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const textarea = form.elements.body;
  let busy = false;
  let editor = null;

  // The editor starts after this script (its modules load first); it announces itself with prose-editor:ready.
  function adopt(found) {
    if (!found || editor) return;
    editor = found;
    const surface = editor.view.dom;
    surface.setAttribute("aria-labelledby", "body-label");  // the field's own label names the editing surface
    surface.setAttribute("aria-describedby", "body-help");
    surface.setAttribute("aria-multiline", "true");
    const plain = form.querySelector("[data-plain-help]");
    if (plain) plain.hidden = true;  // those rules are for the plain textarea
  }
  form.addEventListener("prose-editor:ready", (event) => {
    if (event.detail.textarea === textarea) adopt(event.detail.editor);
  });
  adopt(form.querySelector(".prose-editor .ProseMirror")?.editor);  // already running (Tiptap keeps it on its node)

  function setBody(html) {
    if (editor) {
      editor.commands.setContent(html || "");
      const value = editor.getHTML();
      textarea.value = editor.isEmpty ? "" : value;
    } else {
      textarea.value = html || "";
    }
  }

  function focusBody() {
    if (editor) editor.commands.focus("end");
    else textarea.focus();
  }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("live-desk__status--error", !!isError);
  }

  function clearErrors() {
    form.querySelectorAll(".live-desk__error").forEach((node) => node.remove());
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    if (editor) editor.view.dom.setAttribute("aria-describedby", "body-help");
  }

  function showErrors(errors) {
    Object.entries(errors || {}).forEach(([name, list]) => {
      const field = form.elements[name];
      const text = list.map((e) => e.message).join(" ");
      if (!field || !field.closest) return;
      field.setAttribute("aria-invalid", "true");
      const note = document.createElement("p");
      note.className = "live-desk__error errornote";
      note.id = "error-" + name;
      note.textContent = text;
      field.setAttribute("aria-describedby", note.id);
      field.closest(".live-desk__field").append(note);
      if (field === textarea && editor) {  // the textarea is hidden: the editing surface carries the error
        editor.view.dom.setAttribute("aria-invalid", "true");
        editor.view.dom.setAttribute("aria-describedby", "body-help " + note.id);
      }
    });
  }

  function resetForm() {
    const keepReporters = [...form.elements.reporters.selectedOptions].map((o) => o.value);
    form.reset();
    setBody("");
    form.elements.entry.value = "";
    form.elements.version.value = "";
    [...form.elements.reporters.options].forEach((o) => { o.selected = keepReporters.includes(o.value); });
    title.textContent = "New entry";
    submit.textContent = "Post";
    cancel.hidden = true;
  }

  async function send(url, body) {
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = { ok: false, message: "The server answered " + response.status + "." }; }
    if (data.stream) stream.innerHTML = data.stream;
    return data;
  }

  form.addEventListener("submit", async (event) => {
    if (event.target !== form) return;  // a dialog's own form inside the editor (photo chooser, embed)
    event.preventDefault();
    if (busy) return;
    busy = true;
    submit.disabled = true;
    clearErrors();
    say(form.elements.entry.value ? "Saving…" : "Posting…");
    try {
      const data = await send(form.action || location.href, new FormData(form));
      if (data.ok) {
        say(data.message);
        resetForm();
        focusBody();
      } else {
        say(data.message || "Not saved.", true);
        showErrors(data.errors);
        if (data.version) form.elements.version.value = data.version;  // a conflict: save again to overwrite
      }
    } catch (error) {
      say("Not saved: the server could not be reached. Your text is still here.", true);
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });

  // Ctrl+Enter (Cmd+Enter) posts from any field. Caught on the way down, before the editor sees it: the editor's
  // own Mod-Enter would add a line break first (ProseMirror leaves alone a key event already handled).
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (event.target.closest && event.target.closest("dialog")) return;  // the chooser's and embed dialogs' fields
    event.preventDefault();
    event.stopPropagation();
    form.requestSubmit();
  }, true);

  cancel.addEventListener("click", () => { resetForm(); say(""); focusBody(); });

  stream.addEventListener("click", (event) => {
    const button = event.target.closest("[data-edit]");
    if (!button) return;
    event.preventDefault();  // the link's ?edit= is for browsers without this script
    const data = JSON.parse(document.getElementById("entry-data-" + button.dataset.edit).textContent);
    form.elements.entry.value = data.entry;
    form.elements.version.value = data.version;
    form.elements.headline.value = data.headline;
    setBody(data.body);
    [...form.elements.reporters.options].forEach((o) => { o.selected = data.reporters.includes(Number(o.value)); });
    form.elements.photo.value = data.photo || "";
    form.elements.pinned.checked = data.pinned;
    form.elements.key_event.checked = data.key_event;
    form.elements.post_time.value = data.post_time;
    title.textContent = "Correct entry";
    submit.textContent = "Save correction";
    cancel.hidden = false;
    focusBody();
  });

  stream.addEventListener("submit", async (event) => {
    const action = event.target.closest("[data-desk-action]");
    if (!action) return;
    event.preventDefault();
    if (action.dataset.confirm && !window.confirm(action.dataset.confirm)) return;
    const data = await send(action.action + location.search, new FormData(action));  // ?page=: redraw the same page
    say(data.message || "", !data.ok);
  });

  // Others post too: keep the stream current while the desk is open (not while this person is mid-click).
  setInterval(async () => {
    if (document.hidden || busy || stream.contains(document.activeElement)) return;
    const paged = stream.querySelector("[data-desk-page]");
    if (paged && paged.dataset.deskPage !== "1") return;  // reading older entries: leave them be
    try {
      const response = await fetch(desk.dataset.streamUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) stream.innerHTML = (await response.json()).stream;
    } catch (e) { /* the next round tries again */ }
  }, 15000);
})();
