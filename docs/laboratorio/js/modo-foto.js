// El botón «Abrir el modo foto»: hasta que se pulsa no se descarga nada del
// modo foto (ni su interfaz, foto.js, ni los pesos de SqueezeNet).
const boton = document.getElementById("lab-photo-open");
if (boton) {
  boton.hidden = false;
  boton.addEventListener("click", async () => {
    boton.disabled = true;
    boton.setAttribute("aria-expanded", "true");
    const { abrir } = await import("./foto.js");
    abrir();
    boton.hidden = true;
  });
}
