// El lienzo donde se dibuja el dígito: trazo blanco sobre negro, con el ratón,
// el dedo o un lápiz. Avisa de cada cambio con `alCambiar` (una vez por cuadro).
import { GRISES, nivel, pintar } from "./colores.js";
import { $ } from "./estado.js";

const pad = $("lab-pad"), ctx = pad.getContext("2d", { willReadFrequently: true });
export const LADO = pad.width;

export function limpiarLienzo() {
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, LADO, LADO);
}

// La tinta del lienzo: un byte por píxel (el canal rojo), LADO × LADO
export function tintaDelLienzo() {
  const datos = ctx.getImageData(0, 0, LADO, LADO).data;
  const tinta = new Uint8Array(LADO * LADO);
  for (let i = 0; i < tinta.length; i++) tinta[i] = datos[4 * i];
  return tinta;
}

// Pinta ampliados unos píxeles de 28×28 en [0, 1] (un dígito de prueba)
export function pintarPixeles(pixeles) {
  const chico = document.createElement("canvas");
  chico.width = chico.height = 28;
  pintar(chico, pixeles, 28, 28, (v) => nivel(v, 1), GRISES);
  limpiarLienzo();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(chico, 0, 0, LADO, LADO);
}

// `activo()`: si se puede dibujar; `alEmpezar()`: al empezar un trazo;
// `alCambiar()`: tras cada trozo de trazo (se pide un cálculo por cuadro)
export function prepararLienzo({ activo, alEmpezar, alCambiar }) {
  let ultimo = null, cuadro = 0;
  const avisar = () => {
    if (!cuadro) cuadro = requestAnimationFrame(() => { cuadro = 0; alCambiar(); });
  };
  const punto = (e) => {
    const r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * LADO / r.width, (e.clientY - r.top) * LADO / r.height];
  };
  const trazo = (a, b) => {
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = LADO / 14;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  };
  pad.addEventListener("pointerdown", (e) => {
    if (!activo() || (e.button !== 0 && e.pointerType === "mouse")) return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    $("lab-pred").setAttribute("aria-live", "off");   // no anunciar cada trazo
    ultimo = punto(e);
    ctx.fillStyle = "#fff";
    ctx.beginPath();
    ctx.arc(ultimo[0], ultimo[1], LADO / 28, 0, 2 * Math.PI);
    ctx.fill();
    alEmpezar();
    avisar();
  });
  pad.addEventListener("pointermove", (e) => {
    if (!ultimo) return;
    const eventos = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of (eventos.length ? eventos : [e])) {
      const p = punto(ev);
      trazo(ultimo, p);
      ultimo = p;
    }
    avisar();
  });
  const fin = () => {
    if (!ultimo) return;
    ultimo = null;
    $("lab-pred").setAttribute("aria-live", "polite");
    avisar();
  };
  pad.addEventListener("pointerup", fin);
  pad.addEventListener("pointercancel", fin);
}
