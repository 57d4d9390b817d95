// Reports page: show only the periods and options the chosen report takes, and pick its usual period.
(function () {
  var select = document.getElementById("report-name");
  if (!select) return;
  function update() {
    var opt = select.options[select.selectedIndex];
    var periods = (opt.dataset.periods || "").split(" ").filter(Boolean);
    var options = (opt.dataset.options || "").split(" ").filter(Boolean);
    var checked = null;
    document.querySelectorAll("[data-period]").forEach(function (label) {
      var on = periods.indexOf(label.dataset.period) >= 0;
      label.hidden = !on;
      var radio = label.querySelector("input[type=radio]");
      if (on && radio.checked) checked = radio;
      if (!on) radio.checked = false;
    });
    if (!checked && periods.length) {
      document.querySelector("[data-period=" + periods[0] + "] input[type=radio]").checked = true;
    }
    document.getElementById("periods").hidden = periods.length === 0;
    document.querySelectorAll("[data-option]").forEach(function (label) {
      label.hidden = options.indexOf(label.dataset.option) < 0;
    });
  }
  select.addEventListener("change", update);
  update();
})();
