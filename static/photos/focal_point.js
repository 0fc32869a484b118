/* Photo admin: click the preview to set the focal point the crops centre on.
   The numeric focal_x / focal_y fields stay visible and editable: they are what the form submits,
   so the page works without this script. A newly chosen file is previewed (as a data: URL) before saving. */
(function () {
  "use strict";

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function setup(picker) {
    var image = picker.querySelector(".focal-picker__image");
    var marker = picker.querySelector(".focal-picker__marker");
    var inputX = document.getElementById("id_focal_x");
    var inputY = document.getElementById("id_focal_y");
    var fileInput = document.getElementById("id_image");
    if (!image || !marker || !inputX || !inputY) {
      return;
    }

    function value(input) {
      var number = parseFloat(input.value);
      return isNaN(number) ? 0.5 : clamp(number);
    }

    function place() {
      marker.style.left = (value(inputX) * 100) + "%";
      marker.style.top = (value(inputY) * 100) + "%";
    }

    image.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect();
      if (!box.width || !box.height) {
        return;
      }
      inputX.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
      inputY.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
      inputX.dispatchEvent(new Event("change", { bubbles: true }));
      inputY.dispatchEvent(new Event("change", { bubbles: true }));
      place();
    });
    inputX.addEventListener("input", place);
    inputY.addEventListener("input", place);

    if (fileInput && window.FileReader) {
      fileInput.addEventListener("change", function () {
        var file = fileInput.files && fileInput.files[0];
        if (!file || !/^image\/(jpeg|png|webp|gif)$/.test(file.type)) {
          return;
        }
        var reader = new FileReader();
        reader.onload = function () {
          image.src = reader.result;
          picker.setAttribute("data-has-image", "1");
          inputX.value = "0.5";
          inputY.value = "0.5";
          place();
        };
        reader.readAsDataURL(file);
      });
    }
    place();
  }

  function init() {
    var pickers = document.querySelectorAll("[data-focal-picker]");
    for (var i = 0; i < pickers.length; i++) {
      setup(pickers[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
