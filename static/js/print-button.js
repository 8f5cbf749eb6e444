// A print button where script can print: each [data-print] element is shown (it is hidden in
// the HTML, so a page without script offers no button that does nothing) and its button prints.
for (const element of document.querySelectorAll("[data-print]")) {
  element.hidden = false;
  const button = element.matches("button") ? element : element.querySelector("button");
  if (button) button.addEventListener("click", () => window.print());
}
