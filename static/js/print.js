// Print button on case pages ("für die Ratssitzung ausdrucken"); no inline script, so CSP stays strict.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
