// Banco de núcleos de «Filtros convolucionales»: la interfaz. La cuenta está en
// nucleos.js (sin DOM) y la lectura de fotos en leer.js. Nada sale del
// navegador: la foto del lector se lee y se filtra aquí.

import {
  ErrorNucleo, MODOS, PREAJUSTES, aGris, escalaGris, filtrar, rango,
} from "./nucleos.js";
import { ErrorImagen, hayCamara, leerArchivo, leerURL, leerVideo } from "./leer.js";

const raiz = document.getElementById("banco-nucleos");
const $ = (id) => document.getElementById(id);
const num = (v, d = 3) => v.toLocaleString("es-ES", { maximumFractionDigits: d, minimumFractionDigits: 0 })
  .replace("-", "−");

const estado = {
  tamano: 3,
  valores: PREAJUSTES.laplaciano.valores.slice(),
  preajuste: "laplaciano",
  modo: "auto",
  imagen: null,        // {gris, ancho, alto, ...} de leer.js
  fuente: "",
  ultimo: null,        // {datos, ancho, alto, rango, escala, ms}
};

// --- Escribir y leer pesos: admite «−1», «0,5», «0.5» y fracciones como «1/9»

// Denominador común de los pesos (1/9, 2/16…), para escribirlos como fracciones
const DENOMINADORES = [1, 9, 16, 25, 256];
const entero = (x) => Math.abs(x - Math.round(x)) < 1e-9;

function denominador(valores) {
  return DENOMINADORES.find((d) => valores.every((v) => entero(v * d))) || null;
}

function texto(v, d) {
  if (d && entero(v * d)) {
    const s = String(Math.round(v * d)).replace("-", "−");
    return d === 1 || v === 0 ? s : `${s}/${d}`;
  }
  return num(v, 4);
}

export function leerPeso(s) {
  const limpio = s.trim().replace(/[−–]/g, "-").replace(/\s/g, "");
  const numero = (t) => (/^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(t) ? Number(t.replace(",", ".")) : NaN);
  const partes = limpio.split("/");
  if (partes.length === 1) return numero(partes[0]);
  if (partes.length === 2) {
    const a = numero(partes[0]), b = numero(partes[1]);
    return b === 0 ? NaN : a / b;
  }
  return NaN;
}

// --- La rejilla del núcleo

function construirRejilla() {
  const rejilla = $("kb-rejilla");
  rejilla.replaceChildren();
  rejilla.style.setProperty("--kb-lado", estado.tamano);
  const d = denominador(estado.valores);
  for (let i = 0; i < estado.tamano; i++) {
    for (let j = 0; j < estado.tamano; j++) {
      const k = i * estado.tamano + j;
      const entrada = document.createElement("input");
      entrada.type = "text";
      entrada.inputMode = "decimal";
      entrada.autocomplete = "off";
      entrada.spellcheck = false;
      entrada.className = "kb-peso";
      entrada.id = `kb-peso-${k}`;
      entrada.value = texto(estado.valores[k], d);
      entrada.setAttribute("aria-label", `Peso de la fila ${i + 1}, columna ${j + 1}`);
      entrada.addEventListener("input", () => cambiarPeso(k, entrada));
      entrada.addEventListener("keydown", (e) => moverCon(e, i, j));
      rejilla.append(entrada);
    }
  }
}

// Flechas para moverse por la rejilla (con Alt, para no estorbar al escribir)
function moverCon(evento, i, j) {
  if (!evento.altKey) return;
  const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[evento.key];
  if (!d) return;
  const [ni, nj] = [i + d[0], j + d[1]];
  if (ni < 0 || nj < 0 || ni >= estado.tamano || nj >= estado.tamano) return;
  evento.preventDefault();
  $(`kb-peso-${ni * estado.tamano + nj}`).focus();
}

function cambiarPeso(k, entrada) {
  const v = leerPeso(entrada.value);
  const malos = [];
  if (Number.isFinite(v)) {
    entrada.removeAttribute("aria-invalid");
    estado.valores[k] = v;
  } else {
    entrada.setAttribute("aria-invalid", "true");
  }
  for (const e of $("kb-rejilla").querySelectorAll("[aria-invalid='true']")) malos.push(e);
  estado.preajuste = "";
  $("kb-preajuste").value = "";
  $("kb-nota").textContent = "";
  if (malos.length) {
    const e = malos[0];
    avisar(`«${e.value}» (${e.getAttribute("aria-label").toLowerCase()}) no es un número: `
      + "escribe, por ejemplo, −1, 0,5 o 1/9. Mientras tanto se usa el último valor válido.", "aviso");
  } else {
    avisar("");
  }
  actualizar();
}

function ponerPreajuste(nombre) {
  const p = PREAJUSTES[nombre];
  if (!p) return;
  estado.preajuste = nombre;
  estado.tamano = p.tamano;
  estado.valores = p.valores.slice();
  $(`kb-t${p.tamano}`).checked = true;
  $("kb-nota").textContent = p.nota;
  construirRejilla();
  avisar("");
  actualizar();
}

function ponerTamano(tamano) {
  if (tamano === estado.tamano) return;
  // Al pasar de 3×3 a 5×5, el núcleo queda en el centro rodeado de ceros; al
  // volver, se queda el centro de 3×3
  const viejo = estado.valores, n = estado.tamano;
  const nuevo = new Array(tamano * tamano).fill(0);
  const d = (tamano - n) / 2;
  for (let i = 0; i < tamano; i++) {
    for (let j = 0; j < tamano; j++) {
      const vi = i - d, vj = j - d;
      if (vi >= 0 && vj >= 0 && vi < n && vj < n) nuevo[i * tamano + j] = viejo[vi * n + vj];
    }
  }
  estado.tamano = tamano;
  estado.valores = nuevo;
  estado.preajuste = "";
  $("kb-preajuste").value = "";
  $("kb-nota").textContent = "";
  construirRejilla();
  actualizar();
}

// --- Mensajes

function avisar(mensaje, tipo = "info") {
  const caja = $("kb-aviso");
  caja.textContent = mensaje;
  caja.hidden = !mensaje;
  caja.dataset.tipo = tipo;
}

// --- Dibujar

function dibujarEntrada() {
  const { gris, ancho, alto } = estado.imagen;
  const lienzo = $("kb-entrada");
  lienzo.width = ancho;
  lienzo.height = alto;
  const ctx = lienzo.getContext("2d");
  const img = ctx.createImageData(ancho, alto);
  aGris(gris, { desde: 0, hasta: 1, abs: false }, img.data);
  ctx.putImageData(img, 0, 0);
  lienzo.setAttribute("aria-label", `Entrada en gris: ${estado.fuente}, ${ancho}×${alto} píxeles`);
}

export function actualizar() {
  if (!estado.imagen) return null;
  const t0 = performance.now();
  const { gris, ancho, alto } = estado.imagen;
  let r;
  try {
    r = filtrar(gris, ancho, alto, estado.valores, estado.tamano);
  } catch (e) {
    if (e instanceof ErrorNucleo) { avisar(`No se puede filtrar: ${e.message}.`, "aviso"); return null; }
    throw e;
  }
  const ra = rango(r.datos);
  const escala = escalaGris(estado.modo, ra, estado.valores);
  const lienzo = $("kb-salida");
  if (lienzo.width !== r.ancho) lienzo.width = r.ancho;
  if (lienzo.height !== r.alto) lienzo.height = r.alto;
  const ctx = lienzo.getContext("2d");
  const img = ctx.createImageData(r.ancho, r.alto);
  aGris(r.datos, escala, img.data);
  ctx.putImageData(img, 0, 0);
  const ms = performance.now() - t0;
  estado.ultimo = { ...r, rango: ra, escala, ms };
  describir(r, ra, escala);
  return estado.ultimo;
}

function describir(r, ra, escala) {
  const suma = estado.valores.reduce((a, b) => a + b, 0);
  $("kb-suma").textContent = `Los pesos suman ${num(suma)}.`;
  let gris;
  const { desde, hasta } = escala;
  if (hasta - desde <= 0) {
    gris = "La salida es constante: se dibuja en negro.";
  } else if (escala.abs) {
    gris = `Gris: se dibuja |valor|; 0 → negro, ${num(hasta)} → blanco.`;
  } else if (escala.modo === "simetrico") {
    gris = `Gris: ${num(desde)} → negro, 0 → gris medio, ${num(hasta)} → blanco.`;
  } else {
    gris = `Gris: ${num(desde)} → negro, ${num(hasta)} → blanco`
      + (escala.modo === "recortar" ? "; lo que se sale se recorta." : ", lineal entre medias.");
  }
  const v = escala.abs ? "|v| = " : "";
  $("kb-barra-desde").textContent = `${v}${num(desde)}`;
  $("kb-barra-medio").textContent = num((desde + hasta) / 2);
  $("kb-barra-hasta").textContent = num(hasta);
  $("kb-rango").textContent = `Salida de ${r.ancho}×${r.alto} píxeles (el núcleo de `
    + `${estado.tamano}×${estado.tamano} no cabe en el borde), valores de ${num(ra.min)} a ${num(ra.max)}. ${gris}`;
  $("kb-salida").setAttribute("aria-label", `Salida del filtro en gris, ${r.ancho}×${r.alto} píxeles, `
    + `valores de ${num(ra.min)} a ${num(ra.max)}`);
}

// --- Fotos

function usarImagen(imagen, fuente) {
  estado.imagen = imagen;
  estado.fuente = fuente;
  dibujarEntrada();
  const notas = [];
  if (imagen.reducida) {
    notas.push(`La foto medía ${imagen.original.ancho}×${imagen.original.alto} píxeles: se ha reducido `
      + `a ${imagen.ancho}×${imagen.alto} para filtrarla al momento.`);
  }
  if (imagen.transparentes) {
    notas.push(imagen.transparentes === imagen.gris.length
      ? "La imagen es del todo transparente: se ha puesto sobre fondo blanco y queda blanca."
      : "La imagen tiene zonas transparentes: se han puesto sobre fondo blanco.");
  }
  if (imagen.uniforme) {
    notas.push("La imagen es de un solo tono: un filtro paso alto (pesos que suman 0) da 0 en toda ella. "
      + "Prueba con una foto con bordes.");
  }
  $("kb-fuente").textContent = `Foto: ${fuente}, ${imagen.ancho}×${imagen.alto} píxeles en gris.`;
  avisar(notas.join(" "), "info");
  actualizar();
}

async function cargar(promesa, fuente) {
  raiz.setAttribute("aria-busy", "true");
  $("kb-fuente").textContent = "Leyendo la foto…";
  try {
    usarImagen(await promesa, fuente);
  } catch (e) {
    const mensaje = e instanceof ErrorImagen ? e.message : `no se pudo leer la foto (${e.message}).`;
    avisar(`${mensaje.charAt(0).toUpperCase()}${mensaje.slice(1)} Sigue la foto anterior.`, "aviso");
    if (estado.imagen) $("kb-fuente").textContent = `Foto: ${estado.fuente}, ${estado.imagen.ancho}×${estado.imagen.alto} píxeles en gris.`;
  } finally {
    raiz.setAttribute("aria-busy", "false");
    raiz.dataset.cargas = String(Number(raiz.dataset.cargas || 0) + 1);
  }
}

function archivos(lista) {
  if (!lista || !lista.length) return;
  const archivo = lista[0];
  cargar(leerArchivo(archivo), archivo.name ? `«${archivo.name}»` : "tu foto");
}

// --- Cámara (si el navegador la ofrece)

let flujo = null;

async function abrirCamara() {
  const video = $("kb-video");
  try {
    flujo = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (e) {
    avisar(`No se pudo abrir la cámara (${e.name === "NotAllowedError" ? "permiso denegado" : e.message}). `
      + "Puedes elegir una foto con el botón.", "aviso");
    return;
  }
  video.srcObject = flujo;
  video.hidden = false;
  $("kb-capturar").hidden = false;
  $("kb-camara").textContent = "Cerrar la cámara";
  await video.play().catch(() => {});
}

function cerrarCamara() {
  if (flujo) for (const pista of flujo.getTracks()) pista.stop();
  flujo = null;
  $("kb-video").srcObject = null;
  $("kb-video").hidden = true;
  $("kb-capturar").hidden = true;
  $("kb-camara").textContent = "Usar la cámara";
}

function capturar() {
  try {
    usarImagen(leerVideo($("kb-video")), "la cámara");
  } catch (e) {
    if (!(e instanceof ErrorImagen)) throw e;
    avisar(e.message.charAt(0).toUpperCase() + e.message.slice(1), "aviso");
  }
}

// --- Arranque

function iniciar() {
  const preajuste = $("kb-preajuste");
  preajuste.append(new Option("(a mano)", ""));
  for (const [clave, p] of Object.entries(PREAJUSTES)) preajuste.append(new Option(p.nombre, clave));
  preajuste.value = estado.preajuste;
  preajuste.addEventListener("change", () => ponerPreajuste(preajuste.value));
  for (const t of [3, 5]) $(`kb-t${t}`).addEventListener("change", () => ponerTamano(t));
  const modo = $("kb-modo");
  for (const [clave, nombre] of Object.entries(MODOS)) modo.append(new Option(nombre, clave));
  modo.value = estado.modo;
  modo.addEventListener("change", () => { estado.modo = modo.value; actualizar(); });
  $("kb-nota").textContent = PREAJUSTES.laplaciano.nota;
  construirRejilla();

  $("kb-archivo").addEventListener("change", (e) => { archivos(e.target.files); e.target.value = ""; });
  $("kb-original").addEventListener("click", () => cargar(leerURL(raiz.dataset.foto), "la foto de la página"));
  const zona = $("kb-zona");
  for (const tipo of ["dragenter", "dragover"]) {
    zona.addEventListener(tipo, (e) => { e.preventDefault(); zona.classList.add("kb-encima"); });
  }
  zona.addEventListener("dragleave", () => zona.classList.remove("kb-encima"));
  zona.addEventListener("drop", (e) => {
    e.preventDefault();
    zona.classList.remove("kb-encima");
    if (e.dataTransfer.files.length) archivos(e.dataTransfer.files);
    else avisar("Lo que has soltado no es un archivo: arrastra una foto desde tu equipo.", "aviso");
  });
  if (hayCamara()) {
    $("kb-camara").hidden = false;
    $("kb-camara").addEventListener("click", () => (flujo ? cerrarCamara() : abrirCamara()));
    $("kb-capturar").addEventListener("click", capturar);
  }

  // Para las pruebas y scripts/bench-lab
  window.bancoNucleos = {
    estado,
    actualizar,
    ponerPreajuste,
    ponerNucleo(valores, tamano) {
      estado.tamano = tamano;
      estado.valores = valores.slice();
      estado.preajuste = "";
      $(`kb-t${tamano}`).checked = true;
      construirRejilla();
      return actualizar();
    },
    usarGris(gris, ancho, alto) {
      usarImagen({ gris: Float32Array.from(gris), ancho, alto, reducida: false, transparentes: 0,
        uniforme: false }, "una imagen de prueba");
    },
  };
  cargar(leerURL(raiz.dataset.foto), "la foto de la página").then(() => { raiz.dataset.listo = "true"; });
}

if (raiz) iniciar();
