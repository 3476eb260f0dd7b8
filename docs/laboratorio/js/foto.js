// La interfaz del modo foto: arranca su trabajador (trabajador-foto.js), le
// pasa la foto elegida (de ejemplo, del selector de archivos o soltada en el
// recuadro) y pinta el top-5, los mapas de conv1 y Grad-CAM. Se carga solo
// cuando el lector abre el modo foto (modo-foto.js). La foto no sale del navegador.
import { ponerImagen } from "./colores.js";
import { decimal, entero, porcentaje } from "./numeros.js";

const $ = (id) => document.getElementById(id);
const raiz = $("lab-photo");
const api = window.cnnLabPhoto = { ready: false, results: 0, last: null, lastCam: null, error: null, timings: {} };
let trabajador = null, siguiente = 0, enVuelo = 0, claseCam = null;
const esperaCam = new Map();

function estado(texto, error = false) {
  const s = $("lab-photo-status");
  s.textContent = texto;
  s.classList.toggle("lab-photo-error", error);
}

// «0,0 %» engaña (no es imposible): lo que redondea a 0 se escribe «< 0,1 %»
const prob = (p) => (porcentaje(p) === porcentaje(0) ? `<\u00A0${porcentaje(0.001)}` : porcentaje(p));

const kB = (bytes) => `${entero(Math.round(bytes / 1000))}${"\u00A0"}kB`;

function enviarFoto(archivo, descripcion) {
  if (!api.ready) return;
  const id = ++siguiente;
  enVuelo = id;
  raiz.setAttribute("aria-busy", "true");
  estado(`Calculando ${descripcion}…`);
  api.error = null;
  trabajador.postMessage({ tipo: "foto", id, archivo });
}

async function fotoDeEjemplo(indice) {
  const f = api.fotos[indice];
  if (!f) return;
  const r = await fetch(new URL(f.archivo, api.base));
  if (!r.ok) { estado(`No se pudo descargar la foto de ejemplo (HTTP ${r.status}).`, true); return; }
  enviarFoto(await r.blob(), `«${f.titulo}»`);
}

function fotoDelLector(archivo) {
  if (!archivo) return;
  $("lab-photo-pick").value = "";
  enviarFoto(archivo, `«${archivo.name}»`);
}

function pintarTop(m) {
  const lista = $("lab-photo-top");
  lista.replaceChildren();
  m.top.forEach((t, i) => {
    const li = document.createElement("li"), b = document.createElement("button");
    b.type = "button";
    b.className = "lab-photo-class";
    b.dataset.clase = String(t.clase);
    b.setAttribute("aria-pressed", String(i === 0));
    b.setAttribute("aria-describedby", "lab-photo-top-note");   // nombre accesible: el texto visible
    const nombre = document.createElement("span"), cifra = document.createElement("span"), barra = document.createElement("span");
    nombre.textContent = t.nombre;
    cifra.textContent = prob(t.prob);
    cifra.className = "lab-photo-prob";
    barra.className = "lab-photo-bar";
    barra.style.width = `${Math.max(1, 100 * t.prob)}%`;
    barra.setAttribute("aria-hidden", "true");
    b.append(nombre, " ", cifra, barra);
    b.addEventListener("click", () => pedirCam(t.clase));
    li.append(b);
    lista.append(li);
  });
}

function pintarCam(g) {
  claseCam = g.clase;
  ponerImagen($("lab-photo-cam"), g.imagen, api.lado, api.lado);
  const t = api.last && api.last.top.find((x) => x.clase === g.clase);
  $("lab-photo-cam-cap").textContent = `Grad-CAM de «${t ? t.nombre : g.clase}»`;
  $("lab-photo-cam").setAttribute("aria-label", `Grad-CAM de la clase «${t ? t.nombre : g.clase}» sobre la foto: `
    + "las zonas claras son las que más suben su puntuación");
  for (const b of document.querySelectorAll(".lab-photo-class")) {
    b.setAttribute("aria-pressed", String(Number(b.dataset.clase) === g.clase));
  }
  api.lastCam = { clase: g.clase, cam: Array.from(g.cam), forma: g.forma, ms: g.ms };
  api.timings.gradcam = g.ms;
}

function pedirCam(clase) {
  if (clase === claseCam) return;
  const id = ++siguiente;
  trabajador.postMessage({ tipo: "gradcam", id, clase });
}

function pintarConv1(c) {
  const cont = $("lab-photo-conv1");
  cont.replaceChildren();
  c.mapas.forEach((rgba, k) => {
    const fig = document.createElement("figure"), lienzo = document.createElement("canvas");
    lienzo.setAttribute("role", "img");
    lienzo.setAttribute("aria-label", `Mapa ${k} de conv1 (${c.lado[0]}×${c.lado[1]})`);
    ponerImagen(lienzo, rgba, c.lado[1], c.lado[0]);
    const cap = document.createElement("figcaption");
    cap.textContent = String(k);
    fig.append(lienzo, cap);
    cont.append(fig);
  });
  $("lab-photo-conv1-note").textContent = `Los ${c.mapas.length} primeros de los ${c.total} mapas de conv1 `
    + `(${c.lado[0]}×${c.lado[1]}, tras ReLU), cada uno de morado oscuro (0) a amarillo (su máximo).`;
}

function resultado(m) {
  if (m.id !== enVuelo) return;          // llegó tarde: ya se pidió otra foto
  raiz.setAttribute("aria-busy", "false");
  ponerImagen($("lab-photo-input"), m.entrada, m.lado, m.lado);
  api.last = { top: m.top, probs: Array.from(m.probs), ms: m.ms, original: m.original, reducida: m.reducida };
  api.lado = m.lado;
  pintarTop(m);
  pintarConv1(m.conv1);
  pintarCam(m.gradcam);
  api.timings = { ...m.ms };
  const o = m.original, notas = [];
  notas.push(o.ancho === m.lado && o.alto === m.lado
    ? `Foto de ${m.lado}×${m.lado} píxeles: ya tiene el tamaño de la entrada.`
    : `Foto de ${entero(o.ancho)}×${entero(o.alto)} píxeles reescalada a ${m.lado}×${m.lado}.`);
  if (m.reducida) notas.push(`Era muy grande: antes se redujo a ${entero(m.usada.ancho)}×${entero(m.usada.alto)}.`);
  if (m.transparente) notas.push("Tenía zonas transparentes: se compusieron sobre blanco.");
  notas.push(`Red: ${entero(Math.round(m.ms.red))} ms; Grad-CAM: ${decimal(m.ms.gradcam, 1)} ms.`);
  estado(`SqueezeNet dice: ${m.top[0].nombre} (${porcentaje(m.top[0].prob)}). ${notas.join(" ")}`);
  api.results += 1;
}

function rechazada(m) {
  if (m.id !== enVuelo && m.id !== undefined) return;
  raiz.setAttribute("aria-busy", "false");
  api.error = m.mensaje;
  api.results += 1;
  estado(`${m.mensaje[0].toUpperCase()}${m.mensaje.slice(1)} La foto anterior sigue en pantalla.`, true);
}

function prepararEntrada() {
  $("lab-photo-choose").addEventListener("click", () => $("lab-photo-file").click());
  $("lab-photo-file").addEventListener("change", (e) => { fotoDelLector(e.target.files[0]); e.target.value = ""; });
  $("lab-photo-pick").addEventListener("change", (e) => { if (e.target.value !== "") fotoDeEjemplo(Number(e.target.value)); });
  const zona = $("lab-photo-drop");
  zona.addEventListener("dragover", (e) => { e.preventDefault(); zona.classList.add("is-over"); });
  zona.addEventListener("dragleave", () => zona.classList.remove("is-over"));
  zona.addEventListener("drop", (e) => {
    e.preventDefault();
    zona.classList.remove("is-over");
    const archivo = e.dataTransfer.files[0];
    if (archivo) fotoDelLector(archivo);
    else estado("Lo que soltaste no es un archivo: suelta una foto PNG, JPEG, WebP o GIF.", true);
  });
}

// Abre el modo foto: descarga los pesos y muestra los controles
export function abrir() {
  if (trabajador) return;
  const base = new URL(raiz.dataset.manifest, document.baseURI);
  api.base = base;
  estado("Descargando SqueezeNet…");
  raiz.setAttribute("aria-busy", "true");
  trabajador = new Worker(new URL("trabajador-foto.js", import.meta.url), { type: "module" });
  trabajador.onerror = (e) => estado(`El trabajador del modo foto falló (${e.message || "sin mensaje"}).`, true);
  trabajador.onmessage = ({ data: m }) => {
    if (m.tipo === "listo") {
      api.fotos = m.fotos;
      const sel = $("lab-photo-pick");
      for (const [i, f] of m.fotos.entries()) sel.add(new Option(f.titulo, String(i)));
      api.ready = true;
      api.weightsBytes = m.bytesPesos;
      raiz.dataset.ready = "true";
      $("lab-photo-body").hidden = false;
      estado(`SqueezeNet cargada (${entero(m.clases)} clases, pesos en ${m.tipoPesos}: ${kB(m.bytesPesos)}).`);
      sel.value = "0";
      sel.focus();
      fotoDeEjemplo(0);
    } else if (m.tipo === "error") {
      raiz.setAttribute("aria-busy", "false");
      api.error = m.mensaje;
      estado(`No se pudo cargar SqueezeNet: ${m.mensaje}.`, true);
    } else if (m.tipo === "resultado") resultado(m);
    else if (m.tipo === "rechazada") rechazada(m);
    else if (m.tipo === "gradcam") pintarCam(m);
  };
  prepararEntrada();
  trabajador.postMessage({ tipo: "iniciar", url: base.href });
}

// Para las pruebas: clasificar un Blob y esperar el resultado
api.classify = (blob) => new Promise((resolver) => {
  const antes = api.results;
  enviarFoto(blob, "la foto");
  const mirar = () => (api.results > antes ? resolver(api.error ? { error: api.error } : api.last) : setTimeout(mirar, 20));
  mirar();
});
api.gradcam = (clase) => new Promise((resolver) => {
  const id = ++siguiente;
  const previo = trabajador.onmessage;
  trabajador.onmessage = (e) => {
    previo(e);
    if (e.data.tipo === "gradcam" && e.data.id === id) { trabajador.onmessage = previo; resolver(api.lastCam); }
  };
  trabajador.postMessage({ tipo: "gradcam", id, clase });
});
