/* Fills each ad slot with the creative chosen for this view (ads/views.py: serve).
 *
 * The page (possibly served from the whole-page cache) already holds every slot's "Advertisement" label, its
 * reserved box and the house creative as the no-JavaScript fallback. This script only replaces what is inside
 * the box, fitted to it, so nothing on the page moves. Slots are asked for as they come within 200px of the
 * viewport; an impression is reported once the creative has been at least half visible for one second.
 * HTML / third-party tags run in a sandboxed iframe served from our own frame URL, never in the page.
 * No inline code, no third-party script: the page's Content-Security-Policy stays strict.
 */
(function () {
  "use strict";

  var LOAD_MARGIN = "200px 0px";
  var VISIBLE_RATIO = 0.5;
  var VISIBLE_MS = 1000;
  var SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox";

  function fitted(element) {
    element.style.display = "block";
    element.style.width = "100%";
    element.style.height = "100%";
    element.style.border = "0";
    return element;
  }

  function imageCreative(data) {
    var image = fitted(document.createElement("img"));
    image.src = data.image;
    image.alt = data.alt || "";
    image.width = data.width;
    image.height = data.height;
    image.decoding = "async";
    image.style.objectFit = "contain";
    if (!data.click) return image;
    var link = fitted(document.createElement("a"));
    link.href = data.click;
    link.target = "_blank";
    link.rel = "sponsored noopener";
    link.appendChild(image);
    return link;
  }

  function htmlCreative(data) {
    var frame = fitted(document.createElement("iframe"));
    frame.setAttribute("sandbox", SANDBOX);
    frame.setAttribute("title", "Advertisement");
    frame.setAttribute("scrolling", "no");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.width = data.width;
    frame.height = data.height;
    frame.src = data.frame;
    return frame;
  }

  function report(url) {
    if (navigator.sendBeacon && navigator.sendBeacon(url)) return;
    if (window.fetch) fetch(url, { method: "POST", keepalive: true, credentials: "same-origin" }).catch(function () {});
  }

  function countWhenSeen(box, url) {
    if (!("IntersectionObserver" in window)) {
      report(url);
      return;
    }
    var timer = null;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && entry.intersectionRatio >= VISIBLE_RATIO) {
          if (timer === null) {
            timer = setTimeout(function () {
              observer.disconnect();
              report(url);
            }, VISIBLE_MS);
          }
        } else if (timer !== null) {
          clearTimeout(timer);
          timer = null;
        }
      });
    }, { threshold: [0, VISIBLE_RATIO] });
    observer.observe(box);
  }

  function load(slot) {
    var url = slot.getAttribute("data-serve");
    var box = slot.querySelector(".ad-slot__box");
    if (!url || !box || !window.fetch) return;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || (data.kind !== "image" && data.kind !== "html")) return; // "house": the fallback stays
        var creative = data.kind === "html" ? htmlCreative(data) : imageCreative(data);
        while (box.firstChild) box.removeChild(box.firstChild);
        box.appendChild(creative);
        slot.classList.add("ad-slot--filled");
        if (data.beacon) countWhenSeen(box, data.beacon);
      })
      .catch(function () {}); // network trouble: the house creative stays
  }

  function start() {
    var slots = Array.prototype.slice.call(document.querySelectorAll(".ad-slot[data-serve]"));
    if (!("IntersectionObserver" in window)) {
      slots.forEach(load);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          load(entry.target);
        }
      });
    }, { rootMargin: LOAD_MARGIN });
    slots.forEach(function (slot) { observer.observe(slot); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
