/* The admin's date and time inputs are in IST, and their labels say so ("Publish at (IST)"). Django's calendar adds
 * "Note: You are 5.5 hours behind server time" under every one of them when the browser is elsewhere; the desk works
 * from many places, and the label already says which zone to type in, so that note is left out. Django's "Now" and
 * "Today" shortcuts still give IST (they read the server's offset themselves). */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (window.DateTimeShortcuts) window.DateTimeShortcuts.addTimezoneWarning = function () {};
});
