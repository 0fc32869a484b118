// A live blog's page: asks the update endpoint for changes at the interval the server sets (slower while the tab is
// hidden), applies corrections in place, and offers new entries behind a "N new updates" button (announced politely)
// that inserts them without moving what the reader is looking at. An ended blog does not poll.
(function () {
  "use strict";
  const root = document.querySelector("[data-live-blog]");
  if (!root) return;
  const stream = root.querySelector("[data-live-stream]");
  const pinned = root.querySelector("[data-live-pinned]");
  const keyEvents = root.querySelector("[data-live-key-events]");
  const button = root.querySelector("[data-live-new]");
  const status = root.querySelector("[data-live-status]");
  const firstPage = root.dataset.page === "1";
  let cursor = root.dataset.cursor;
  let newest = Number(root.dataset.newest || 0);  // the newest entry's instant on this page (its order)
  let visibleMs = Number(root.dataset.poll) * 1000;
  let hiddenMs = Number(root.dataset.pollHidden) * 1000;
  let timer = null;
  let stopped = root.dataset.ended === "true";
  const waiting = new Map();  // entry id -> {order, html}

  // A permalink to an entry on another page of the blog: let the server find its page.
  const wanted = /^#entry-(\d+)$/.exec(location.hash);
  if (wanted && !document.getElementById("entry-" + wanted[1])) {
    location.replace(root.dataset.permalinkBase + wanted[1] + "/");
    return;
  }

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const node = template.content.firstElementChild;
    // Galleries and embed facades placed in the entry (static/articles/body-media.js), as in a story body.
    if (node && window.newsroomBodyMedia) window.newsroomBodyMedia(node);
    return node;
  }

  function pinnedCopy(html) {
    const node = fragment(html);
    node.removeAttribute("id");
    node.removeAttribute("tabindex");
    node.classList.add("live-entry--pinned");
    const flag = node.querySelector(".live-entry__flag");
    if (flag) flag.textContent = "Pinned";
    else node.querySelector(".live-entry__head").prepend(Object.assign(document.createElement("p"), { className: "live-entry__flag", textContent: "Pinned" }));
    return node;
  }

  function announce() {
    const count = waiting.size;
    const text = count === 1 ? "1 new update" : count + " new updates";
    button.hidden = count === 0;
    if (count) {
      button.textContent = firstPage ? text + " — show" : text + " — go to the latest";
      status.textContent = text;
    }
  }

  // Run `change` (which adds, removes or resizes entries) keeping the entry the reader is looking at where it was
  // on the screen. Chromium's own scroll anchoring usually does this already; this covers the other browsers.
  function firstInView() {
    return [...stream.querySelectorAll(".live-entry")].find((node) => node.getBoundingClientRect().bottom > 0);
  }

  function keepInView(change) {
    const anchor = firstInView();
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    const result = change();
    const after = anchor && document.getElementById(anchor.id);  // a corrected entry is a new node with the same id
    if (after) window.scrollBy(0, after.getBoundingClientRect().top - before);
    return result;
  }

  function apply(data) {
    return keepInView(() => applyChanges(data));
  }

  function applyChanges(data) {
    cursor = data.cursor;
    visibleMs = data.poll.visible * 1000;
    hiddenMs = data.poll.hidden * 1000;
    for (const item of data.entries) {
      const shown = document.getElementById("entry-" + item.id);
      const pinnedNow = pinned.firstElementChild;
      if (pinnedNow && pinnedNow.dataset.entry === String(item.id) && (item.removed || !item.pinned)) pinnedNow.remove();
      if (item.removed) {
        if (shown) shown.closest("li").remove();
        waiting.delete(item.id);
        continue;
      }
      if (item.pinned) pinned.replaceChildren(pinnedCopy(item.html));
      if (shown) {
        shown.replaceWith(fragment(item.html));  // a correction: in place
      } else if (waiting.has(item.id) || Number(item.order) > newest) {  // new, not a correction of an older page
        waiting.set(item.id, { order: Number(item.order), html: item.html });
      }
    }
    if (data.key_events !== undefined) keyEvents.innerHTML = data.key_events;
    announce();
    if (data.ended) {
      stopped = true;
      const note = document.createElement("p");
      note.className = "live-ended";
      note.textContent = "Live coverage has ended.";
      root.querySelector(".live__coverage").after(note);
    }
    return data.more;
  }

  function schedule(ms) {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(poll, ms);
  }

  async function poll() {
    let again = false;
    try {
      const response = await fetch(root.dataset.updatesUrl + "?after=" + encodeURIComponent(cursor), {
        headers: { Accept: "application/json" }, cache: "no-cache",
      });
      if (response.ok) again = apply(await response.json());
    } catch (error) { /* offline for a moment: the next round tries again */ }
    schedule(again ? 0 : document.hidden ? hiddenMs : visibleMs);
  }

  // Insert the waiting entries above the stream, keeping the entry the reader is looking at where it was.
  function insert() {
    if (!firstPage) { location.assign(location.pathname); return; }
    const items = [...waiting.values()].sort((a, b) => b.order - a.order);
    if (items.length) newest = Math.max(newest, items[0].order);
    const anchor = firstInView();
    keepInView(() => addEntries(items));
    waiting.clear();
    announce();
    status.textContent = items.length === 1 ? "1 update added above." : items.length + " updates added above.";
    if (items.length && !anchor) stream.querySelector(".live-entry").focus({ preventScroll: true });
  }

  function addEntries(items) {
    const empty = stream.querySelector(".live__empty");
    if (empty) empty.remove();
    const nodes = items.map((item) => {
      const li = document.createElement("li");
      li.append(fragment(item.html));
      return li;
    });
    stream.prepend(...nodes);
  }

  if (button) button.addEventListener("click", insert);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !stopped) schedule(0);  // back to the tab: catch up now, then the visible pace
  });
  schedule(visibleMs);
})();
