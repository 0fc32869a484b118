/* The story form (templates/admin/articles/article/change_form.html):
 * - headline and standfirst grow with their text and count their characters;
 * - the side panels' headings say their state, kept up to date as the editor types;
 * - bylines (and photos) keep the order they are picked in, and bylines can be reordered by dragging, with the
 *   buttons, or with Alt+ArrowUp / Alt+ArrowDown on an item. The order is the order of the <option>s in the
 *   <select>, which is the order the form submits (articles.forms.OrderedModelMultipleChoiceField keeps it);
 * - the search-result and social-card preview follows the SEO fields, falling back to the story's own.
 */
(function () {
  "use strict";

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const jq = () => window.django && window.django.jQuery;

  // --- growing fields and character counts ------------------------------------------------------------------
  function grow(field) {
    field.style.height = "auto";
    field.style.height = field.scrollHeight + 2 + "px";
  }

  function counter(field, advice) {
    const max = parseInt(field.getAttribute("maxlength"), 10);
    const note = document.createElement("div");
    note.className = "char-count";
    note.id = field.id + "_count";
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + note.id).trim());
    field.insertAdjacentElement("afterend", note);
    const update = () => {
      const length = field.value.length;
      let text = length + (max ? " / " + max : "") + " characters";
      if (advice && length > advice.limit) text += " — " + advice.text;
      note.textContent = text;
      note.classList.toggle("char-count--over", Boolean(advice && length > advice.limit));
    };
    field.addEventListener("input", update);
    update();
  }

  function writingFields() {
    const headline = $("#id_headline");
    if (headline) {
      // One line of text: Enter does not add a line break (the server joins lines too).
      headline.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
      counter(headline, { limit: 110, text: "search results and cards cut long headlines: set an SEO headline below" });
    }
    const standfirst = $("#id_standfirst");
    if (standfirst) counter(standfirst, { limit: 300, text: "long for a summary" });
    const seo = $("#id_seo_headline");
    if (seo) counter(seo, { limit: 70, text: "search engines show about 60–70" });
    const description = $("#id_meta_description");
    if (description) counter(description, { limit: 160, text: "search engines show about 155–160" });
    const social = $("#id_social_headline");
    if (social) counter(social);
    [headline, standfirst].forEach((field) => {
      if (!field) return;
      field.addEventListener("input", () => grow(field));
      grow(field);
    });
    const regrow = () => [headline, standfirst].forEach((f) => f && grow(f));
    window.addEventListener("resize", regrow);
    window.addEventListener("load", regrow);
  }

  // --- panel states ---------------------------------------------------------------------------------------------
  const selectedText = (select) => (select && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "");
  const chosen = (select) => (select ? $$("option", select).filter((o) => o.selected) : []);
  const plural = (n, one, many) => n + " " + (n === 1 ? one : many);
  const filled = (id) => { const f = $("#" + id); return f && (f.type === "checkbox" ? f.checked : f.value.trim() !== ""); };

  const PANELS = {
    "Publishing": () => {
      const parts = [selectedText($("#id_workflow")) || "—"];
      const date = $("#id_publish_at_0"), time = $("#id_publish_at_1");
      if (date && date.value) parts.push(date.value + (time && time.value ? " " + time.value : "") + " IST");
      return parts.join(" · ");
    },
    "Bylines, section and tags": () => {
      const bylines = chosen($("#id_byline_reporters")).length;
      const section = selectedText($("#id_section"));
      const tags = chosen($("#id_tags")).length;
      return [plural(bylines, "byline", "bylines"), section && !/^-+$/.test(section) ? section : "no section",
              plural(tags, "tag", "tags")].join(" · ");
    },
    "Photos": () => {
      const hero = $("#id_hero_photo") && $("#id_hero_photo").value ? "hero set" : "no hero";
      return hero + " · " + plural(chosen($("#id_story_photos")).length, "other", "others");
    },
    "Search and sharing": () => {
      const overrides = ["id_seo_headline", "id_meta_description", "id_social_headline", "id_social_image",
                         "id_canonical_url"].filter(filled).length;
      const parts = [overrides ? plural(overrides, "override", "overrides") : "story's own"];
      if (filled("id_noindex")) parts.push("hidden from search");
      return parts.join(" · ");
    },
    "Scheduled updates": () => {
      const queued = $$(".field-pending_updates li").length;
      return queued ? plural(queued, "queued", "queued") : "none queued";
    },
    "Advanced": () => "language " + (($("#id_language") || {}).value || "—"),
  };

  function panelStates() {
    const headings = $$(".story-side fieldset .fieldset-heading");
    const update = () => headings.forEach((heading) => {
      const describe = PANELS[heading.dataset.panel];
      if (describe) heading.querySelector(".panel-state").textContent = describe();
    });
    headings.forEach((heading) => {
      heading.dataset.panel = heading.textContent.trim();
      const state = document.createElement("span");
      state.className = "panel-state";
      heading.appendChild(state);
    });
    const form = $("#article_form");
    if (!form) return;
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    const $j = jq();
    if ($j) $j(form).on("change select2:select select2:unselect", update);
    update();
    return update;
  }

  // --- ordered autocompletes -------------------------------------------------------------------------------------
  function optionFor(select, value) {
    return $$("option", select).find((o) => o.value === String(value));
  }

  function refresh(select) {
    const $j = jq();
    if ($j) $j(select).trigger("change.select2");
    select.dispatchEvent(new CustomEvent("bylines-reordered", { bubbles: true }));
  }

  function keepPickOrder(select) {
    // A newly picked value goes last, as the help text says; without this it returns to its old <option> place.
    const $j = jq();
    if (!$j) return;
    $j(select).on("select2:select", (event) => {
      const option = optionFor(select, event.params.data.id);
      if (option) {
        select.appendChild(option);
        refresh(select);
      }
    });
  }

  function bylineOrder(select) {
    const row = select.closest(".form-row");
    const list = document.createElement("ol");
    list.className = "byline-order";
    list.setAttribute("aria-label", "Byline order");
    const help = document.createElement("p");
    help.className = "byline-order-help";
    help.id = "byline-order-help";
    help.textContent = "Order: drag a name, use its arrows, or focus it and press Alt+↑ / Alt+↓.";
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    const anchor = row.querySelector(".help") || row.lastElementChild;
    anchor.insertAdjacentElement("beforebegin", list);
    list.insertAdjacentElement("afterend", help);
    help.insertAdjacentElement("afterend", status);

    let dragged = null;

    function move(value, to, focus) {
      const options = chosen(select);
      const option = optionFor(select, value);
      const others = options.filter((o) => o !== option);
      to = Math.max(0, Math.min(to, others.length));
      if (to < others.length) select.insertBefore(option, others[to]);
      else if (others.length) others[others.length - 1].insertAdjacentElement("afterend", option);
      refresh(select);
      render();
      status.textContent = option.text + ": position " + (to + 1) + " of " + options.length;
      if (focus) {
        const item = list.querySelector('li[data-value="' + CSS.escape(String(value)) + '"]');
        if (item) item.focus();
      }
    }

    function button(label, text, handler) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", handler);
      return b;
    }

    function render() {
      const options = chosen(select);
      list.replaceChildren(...options.map((option, index) => {
        const item = document.createElement("li");
        item.dataset.value = option.value;
        item.tabIndex = 0;
        item.draggable = true;
        item.setAttribute("aria-describedby", help.id);
        const name = document.createElement("span");
        name.className = "byline-order__name";
        name.textContent = option.text;
        item.append(name);
        if (options.length > 1) {
          const up = button("Move " + option.text + " up", "↑", () => move(option.value, index - 1, false));
          const down = button("Move " + option.text + " down", "↓", () => move(option.value, index + 1, false));
          up.disabled = index === 0;
          down.disabled = index === options.length - 1;
          item.append(up, down);
        }
        item.addEventListener("keydown", (event) => {
          if (!event.altKey || event.target !== item) return;
          if (event.key === "ArrowUp" || event.key === "ArrowDown") {
            event.preventDefault();
            move(option.value, index + (event.key === "ArrowUp" ? -1 : 1), true);
          }
        });
        item.addEventListener("dragstart", (event) => {
          dragged = option.value;
          item.classList.add("dragging");
          event.dataTransfer.effectAllowed = "move";
          event.dataTransfer.setData("text/plain", option.value);
        });
        item.addEventListener("dragend", () => {
          item.classList.remove("dragging");
          $$(".drop-target", list).forEach((li) => li.classList.remove("drop-target"));
        });
        item.addEventListener("dragover", (event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = "move";
          $$(".drop-target", list).forEach((li) => li.classList.remove("drop-target"));
          item.classList.add("drop-target");
        });
        item.addEventListener("drop", (event) => {
          event.preventDefault();
          const value = dragged || event.dataTransfer.getData("text/plain");
          dragged = null;
          if (value && value !== option.value) {
            // Dragged down: it goes after the item it is dropped on; dragged up: before it. Either way, that index.
            move(value, index, false);
          }
        });
        return item;
      }));
      list.hidden = options.length === 0;
      help.hidden = options.length < 2;
    }

    const $j = jq();
    if ($j) $j(select).on("change", render);
    render();
  }

  // --- search and sharing preview -----------------------------------------------------------------------------
  function sharingPreview() {
    const box = $(".sharing-preview");
    if (!box) return;
    const value = (id) => (($("#" + id) || {}).value || "").trim();
    const set = (selector, text) => { const el = $(selector, box); if (el) el.textContent = text; };
    const update = () => {
      const headline = value("id_headline") || "Headline";
      set(".serp__title", value("id_seo_headline") || headline);
      set(".serp__description", value("id_meta_description") || value("id_standfirst"));
      set(".social-card__title", value("id_social_headline") || headline);
      set(".social-card__description", value("id_standfirst"));
      const canonical = value("id_canonical_url");
      const slug = value("id_slug");
      set(".serp__url", canonical || (slug ? box.dataset.siteUrl + "/story/" + slug + "/" : box.dataset.ownUrl || box.dataset.siteUrl));
    };
    $("#article_form").addEventListener("input", update);
    update();
  }

  function start() {
    if (!$("#article_form")) return;
    writingFields();
    const bylines = $("#id_byline_reporters");
    if (bylines) { keepPickOrder(bylines); bylineOrder(bylines); }
    const photos = $("#id_story_photos");
    if (photos) keepPickOrder(photos);
    panelStates();
    sharingPreview();
  }

  // After Django's own scripts (autocomplete.js starts select2 on DOMContentLoaded too; jQuery runs it first).
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => setTimeout(start));
  else start();
})();
