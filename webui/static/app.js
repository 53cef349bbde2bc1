// Opens a <dialog> for buttons that name one in data-dialog, instead of
// following their form to the confirmation page. Without scripts, or in a
// browser without <dialog>, the form leads to that page as usual.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dialog]").forEach(function (opener) {
    var dialog = document.getElementById(opener.getAttribute("data-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    opener.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  });
});
