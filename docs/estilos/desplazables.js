// Las fórmulas y tablas que no caben y se desplazan en horizontal se pueden
// enfocar con el teclado (y desplazar con las flechas); si caben, no son una
// parada más del tabulador. Los bloques de código ya los gestiona Material.
// Material envuelve las tablas al arrancar: se espera al evento «load».
addEventListener("load", () => {
  const update = box => {
    if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  };
  const observer = new ResizeObserver(entries => entries.forEach(e => update(e.target)));
  document.querySelectorAll(".md-typeset .formula, .md-typeset__scrollwrap")
    .forEach(box => observer.observe(box));
});
