// Galleries and embed facades in a story body (templates/articles/body/). No third-party request before a click.
(function () {
  "use strict";

  function setUpGallery(gallery) {
    var list = gallery.querySelector(".gallery__list");
    var items = list.querySelectorAll(".gallery__item");
    var previous = gallery.querySelector("[data-gallery-previous]");
    var next = gallery.querySelector("[data-gallery-next]");
    var position = gallery.querySelector("[data-gallery-position]");
    var current = 0;

    function indexFromScroll() {
      return Math.max(0, Math.min(items.length - 1, Math.round(list.scrollLeft / Math.max(1, list.clientWidth))));
    }
    function show(index) {
      current = indexFromScroll();
      index = Math.max(0, Math.min(items.length - 1, index));
      if (index !== current) list.scrollTo({ left: index * list.clientWidth });
      update(index);
    }
    function update(index) {
      current = index;
      position.textContent = String(index + 1);
      previous.disabled = index === 0;
      next.disabled = index === items.length - 1;
      items.forEach(function (item, i) { item.toggleAttribute("inert", i !== index); });
    }
    previous.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    gallery.addEventListener("keydown", function (event) {
      var keys = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: items.length - 1 };
      if (!(event.key in keys) || event.target.closest("button") && event.key.indexOf("Arrow") !== 0) return;
      event.preventDefault();
      show(keys[event.key]);
    });
    var settle;
    list.addEventListener("scroll", function () {  // swipes and scroll-snap
      clearTimeout(settle);
      settle = setTimeout(function () { update(indexFromScroll()); }, 80);
    }, { passive: true });
    update(0);
  }

  function openEmbed(event) {
    var figure = event.currentTarget.closest("[data-embed-player]");
    if (!figure) return;
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = figure.getAttribute("data-embed-player");
    frame.title = figure.getAttribute("data-embed-title");
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    figure.querySelector(".embed__facade").replaceWith(frame);
    frame.focus();
  }

  // `root`: the document, or an element added later (a live blog entry: static/live/reader.js calls this).
  function start(root) {
    root = root && root.querySelectorAll ? root : document;
    root.querySelectorAll("[data-gallery]").forEach(setUpGallery);
    root.querySelectorAll("[data-embed-player] .embed__open").forEach(function (link) {
      link.addEventListener("click", openEmbed);
    });
  }
  window.newsroomBodyMedia = start;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
