// Small progressive enhancements; every page works without this file.
document.addEventListener("change", function (event) {
  // The language picker submits itself when scripts run; the button stays for those without.
  if (event.target && event.target.id === "lang-select") {
    event.target.form.submit();
  }
});
