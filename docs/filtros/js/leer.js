// Banco de núcleos: leer una imagen del lector (archivo, arrastrar y soltar,
// cámara) y pasarla a gris. Todo ocurre en este navegador: nada se envía.
// Una foto grande se reduce al decodificarla (createImageBitmap con
// resizeWidth), fuera del hilo principal, y una que no es imagen da un
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
  const original = await dimensiones(archivo, nombre);
  const t = tamanoReducido(original.ancho, original.alto, lado);
  let mapa;
  try {
    // Reducir al decodificar: el navegador lo hace fuera del hilo principal
    mapa = await createImageBitmap(archivo, t.reducida
      ? { resizeWidth: t.ancho, resizeHeight: t.alto, resizeQuality: "high" } : {});
  } catch {
    throw new ErrorImagen(`${nombre} no se puede decodificar como imagen: `
      + "elige una foto PNG, JPEG, WebP o GIF.");
  }
  try {
    const p = pixeles(mapa, mapa.width, mapa.height, lado);
    return conGris({ ...p, reducida: t.reducida }, { original });
  } finally {
    mapa.close();
  }
}

// Ancho y alto de la imagen sin decodificarla entera (el evento load de <img>
// llega con la cabecera leída; la decodificación se hace al dibujarla).
function dimensiones(archivo, nombre) {
  return new Promise((resolver, rechazar) => {
    const url = URL.createObjectURL(archivo);
    const img = new Image();
    const fin = () => URL.revokeObjectURL(url);
    img.onload = () => {
      fin();
      if (!img.naturalWidth || !img.naturalHeight) {
        rechazar(new ErrorImagen(`${nombre} no tiene tamaño: elige una foto PNG, JPEG, WebP o GIF.`));
      } else {
        resolver({ ancho: img.naturalWidth, alto: img.naturalHeight });
      }
    };
    img.onerror = () => {
      fin();
      rechazar(new ErrorImagen(`${nombre} no se puede leer como imagen: `
        + "elige una foto PNG, JPEG, WebP o GIF."));
    };
    img.src = url;
  });
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
