// Banco de núcleos: leer una imagen del lector (archivo, arrastrar y soltar,
// cámara) y pasarla a gris. Todo ocurre en este navegador: nada se envía.
// La foto se decodifica y, si es grande, se reduce en un trabajador
// (lector.js), fuera del hilo principal; una que no es imagen da un
// ErrorImagen con un mensaje en español.

import { LADO_MAXIMO, grisDeRGBA, tamanoReducido } from "./nucleos.js";

export class ErrorImagen extends Error {}

const LIMITE_BYTES = 200e6;   // más que la mayor foto de una cámara; evita agotar la memoria
const mb = (bytes) => (bytes / 1e6).toLocaleString("es-ES", { maximumFractionDigits: 1 });

// Píxeles RGBA de un origen dibujable (ImageBitmap, vídeo, imagen) reducido.
function pixeles(origen, ancho, alto, lado) {
  const t = tamanoReducido(ancho, alto, lado);
  const lienzo = document.createElement("canvas");
  lienzo.width = t.ancho;
  lienzo.height = t.alto;
  const ctx = lienzo.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(origen, 0, 0, t.ancho, t.alto);
  const rgba = ctx.getImageData(0, 0, t.ancho, t.alto).data;
  return { rgba, ...t };
}

function conGris(p, extra) {
  return { ...grisDeRGBA(p.rgba, p.ancho, p.alto), ancho: p.ancho, alto: p.alto, reducida: p.reducida, ...extra };
}

// Un File o Blob de imagen -> {gris, ancho, alto, reducida, original: {ancho, alto}, ...}
export async function leerArchivo(archivo, lado = LADO_MAXIMO) {
  const nombre = archivo.name ? `«${archivo.name}»` : "El archivo";
  if (archivo.type && !archivo.type.startsWith("image/")) {
    throw new ErrorImagen(`${nombre} no es una imagen (es de tipo ${archivo.type}): `
      + "elige una foto PNG, JPEG, WebP o GIF.");
  }
  if (archivo.size === 0) throw new ErrorImagen(`${nombre} está vacío: elige una foto PNG, JPEG, WebP o GIF.`);
  if (archivo.size > LIMITE_BYTES) {
    throw new ErrorImagen(`${nombre} ocupa ${mb(archivo.size)} MB; el banco admite hasta ${mb(LIMITE_BYTES)} MB.`);
  }
  const p = await decodificar(archivo, lado).catch((e) => {
    if (e instanceof ErrorImagen) throw e;
    throw new ErrorImagen(`${nombre} ${e.message}: elige una foto PNG, JPEG, WebP o GIF.`);
  });
  return conGris(p, { original: p.original });
}

// Decodificar y reducir: en un trabajador si se puede (no congela la página
// con una foto enorme); si no, aquí mismo.
let trabajador = null;
let siguiente = 0;
const pendientes = new Map();

function enTrabajador(archivo, lado) {
  if (!trabajador) {
    trabajador = new Worker(new URL("./lector.js", import.meta.url), { type: "module" });
    trabajador.onmessage = ({ data }) => {
      const p = pendientes.get(data.id);
      pendientes.delete(data.id);
      if (data.error) p.rechazar(new Error(data.error));
      else p.resolver(data);
    };
    trabajador.onerror = (e) => {
      e.preventDefault();
      for (const p of pendientes.values()) p.rechazar(new TypeError("el trabajador no arrancó"));
      pendientes.clear();
      trabajador = false;   // no volver a intentarlo
    };
  }
  return new Promise((resolver, rechazar) => {
    const id = ++siguiente;
    pendientes.set(id, { resolver, rechazar });
    trabajador.postMessage({ id, archivo, lado });
  });
}

async function decodificar(archivo, lado) {
  if (trabajador !== false && typeof Worker !== "undefined" && typeof OffscreenCanvas !== "undefined") {
    try {
      return await enTrabajador(archivo, lado);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;   // el trabajador no arrancó: aquí mismo
    }
  }
  let mapa;
  try {
    mapa = await createImageBitmap(archivo);
  } catch {
    throw new Error("no se puede leer como imagen");
  }
  try {
    const original = { ancho: mapa.width, alto: mapa.height };
    return { ...pixeles(mapa, mapa.width, mapa.height, lado), original };
  } finally {
    mapa.close();
  }
}

// Una imagen de la página (URL del mismo sitio) -> lo mismo que leerArchivo.
export async function leerURL(url, lado = LADO_MAXIMO) {
  const respuesta = await fetch(url);
  if (!respuesta.ok) throw new ErrorImagen(`no se pudo cargar la foto de la página (${respuesta.status})`);
  return leerArchivo(await respuesta.blob(), lado);
}

// Un fotograma de un <video> (la cámara).
export function leerVideo(video, lado = LADO_MAXIMO) {
  if (!video.videoWidth) throw new ErrorImagen("la cámara aún no da imagen: espera un momento y vuelve a probar.");
  const p = pixeles(video, video.videoWidth, video.videoHeight, lado);
  return conGris(p, { original: { ancho: video.videoWidth, alto: video.videoHeight } });
}

export const hayCamara = () => Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
