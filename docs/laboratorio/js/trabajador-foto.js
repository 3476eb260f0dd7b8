// El trabajador (Web Worker) del modo foto: descarga SqueezeNet, decodifica la
// foto (y la reduce si es enorme), la prepara como en Python y calcula la red,
// los mapas de conv1 y Grad-CAM, fuera del hilo de la página.
//
// Mensajes que recibe:
//   {tipo: "iniciar", url}: la URL de foto.json (los pesos van junto a ella)
//   {tipo: "foto", id, archivo}: un Blob o File de imagen
//   {tipo: "gradcam", id, clase}: Grad-CAM de una clase sobre la última foto
// Mensajes que envía: "listo" | "error", y por foto "resultado" o "rechazada"
//   (con un mensaje en español); por Grad-CAM, "gradcam".
import { INFERNO, VIRIDIS } from "./colores.js";
import { adelante, ErrorPesos, gradCam, leerPesos, mejores, preparar } from "./squeezenet.js";
import { bilineal, softmax } from "./tensores.js";

const LADO_MAXIMO = 2048;   // una foto mayor se reduce antes (sin esto, 50 Mpx agotan memoria y tiempo)
const MAPAS_CONV1 = 12;     // cuántos mapas de conv1 se pintan
const estado = { pesos: null, datos: null, ultima: null };

class ErrorFoto extends Error {}

async function iniciar(url) {
  const r = await fetch(url);
  if (!r.ok) throw new ErrorPesos(`no se encontró foto.json (HTTP ${r.status})`);
  const datos = await r.json();
  const rp = await fetch(new URL(datos.pesos, url));
  if (!rp.ok) throw new ErrorPesos(`no se encontró ${datos.pesos} (HTTP ${rp.status})`);
  let bytes = new Uint8Array(await rp.arrayBuffer());
  const comprimido = bytes.length;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const flujo = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(flujo).arrayBuffer());
  }
  estado.pesos = leerPesos(bytes.buffer);
  estado.datos = datos;
  return { clases: datos.clases.length, fotos: datos.fotos, tipoPesos: datos.tipo, bytesPesos: comprimido };
}

// Blob -> {rgba, ancho, alto, original, reducida, transparente}
async function decodificar(archivo) {
  let mapa;
  try {
    mapa = await createImageBitmap(archivo);
  } catch {
    const tipo = archivo.type ? ` (es de tipo ${archivo.type})` : "";
    throw new ErrorFoto(`${archivo.name ? `«${archivo.name}»` : "El archivo"} no es una imagen que `
      + `el navegador sepa leer${tipo}: elige una foto PNG, JPEG, WebP o GIF.`);
  }
  const original = { ancho: mapa.width, alto: mapa.height };
  let ancho = mapa.width, alto = mapa.height, reducida = false;
  if (Math.max(ancho, alto) > LADO_MAXIMO) {
    const f = LADO_MAXIMO / Math.max(ancho, alto);
    ancho = Math.max(1, Math.round(ancho * f));
    alto = Math.max(1, Math.round(alto * f));
    const grande = mapa;
    mapa = await createImageBitmap(grande, { resizeWidth: ancho, resizeHeight: alto, resizeQuality: "high" });
    grande.close();
    reducida = true;
  }
  const lienzo = new OffscreenCanvas(ancho, alto);
  const ctx = lienzo.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(mapa, 0, 0);
  mapa.close();
  const rgba = ctx.getImageData(0, 0, ancho, alto).data;
  // Zonas transparentes: se componen sobre blanco (Python pide la foto sin transparencia)
  let transparente = false;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] < 255) {
      transparente = true;
      const a = rgba[i] / 255;
      for (let c = 0; c < 3; c++) rgba[i - 3 + c] = Math.round(rgba[i - 3 + c] * a + 255 * (1 - a));
      rgba[i] = 255;
    }
  }
  return { rgba, ancho, alto, original, reducida, transparente };
}

function rgbaDeRgb(rgb, n) {
  const out = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    out[4 * i] = rgb[3 * i]; out[4 * i + 1] = rgb[3 * i + 1]; out[4 * i + 2] = rgb[3 * i + 2]; out[4 * i + 3] = 255;
  }
  return out;
}

// Un mapa en su escala (0 -> su máximo) con la tabla `lut`
function rgbaEscala(valores, lut) {
  let m = 0;
  for (const v of valores) m = Math.max(m, v);
  const out = new Uint8ClampedArray(4 * valores.length);
  for (let i = 0; i < valores.length; i++) {
    const k = m > 0 ? Math.round((valores[i] / m) * 255) : 0;
    out[4 * i] = lut[3 * k]; out[4 * i + 1] = lut[3 * k + 1]; out[4 * i + 2] = lut[3 * k + 2]; out[4 * i + 3] = 255;
  }
  return out;
}

function calcularCam(clase) {
  const t0 = performance.now();
  const { cam, forma } = gradCam(estado.pesos, estado.ultima.fire9, clase);
  const lado = estado.datos.lado, grande = bilineal(cam, [1, ...forma], lado, lado);
  // Superpuesto: la foto atenuada y el mapa (inferno) con su peso
  let m = 0;
  for (const v of grande) m = Math.max(m, v);
  const rgb = estado.ultima.rgb, out = new Uint8ClampedArray(4 * lado * lado);
  for (let i = 0; i < lado * lado; i++) {
    const t = m > 0 ? grande[i] / m : 0, k = Math.round(t * 255), a = 0.35 + 0.6 * t;
    for (let c = 0; c < 3; c++) out[4 * i + c] = (1 - a) * rgb[3 * i + c] * 0.6 + a * INFERNO[3 * k + c];
    out[4 * i + 3] = 255;
  }
  return { cam, forma, imagen: out, ms: performance.now() - t0 };
}

async function foto(id, archivo) {
  const t0 = performance.now();
  const d = await decodificar(archivo);
  const msLeer = performance.now() - t0;
  if (Math.min(d.ancho, d.alto) < 32) {
    throw new ErrorFoto(`la foto es demasiado pequeña (${d.ancho}×${d.alto} píxeles): hacen falta al menos 32 de lado.`);
  }
  const lado = estado.datos.lado, t1 = performance.now();
  const { x, rgb } = preparar(d.rgba, d.ancho, d.alto, estado.datos.media_bgr, lado);
  const msPreparar = performance.now() - t1, t2 = performance.now();
  const r = adelante(estado.pesos, x);
  const probs = softmax(r.logits), top = mejores(probs, 5);
  const msRed = performance.now() - t2;
  estado.ultima = { fire9: r.fire9, rgb };
  const [C1, H1, W1] = r.conv1.forma, P1 = H1 * W1;
  const mapas = [];
  for (let k = 0; k < Math.min(MAPAS_CONV1, C1); k++) {
    mapas.push(rgbaEscala(r.conv1.salida.subarray(k * P1, (k + 1) * P1), VIRIDIS));
  }
  const gc = calcularCam(top[0].clase);
  self.postMessage({
    tipo: "resultado", id, ms: { leer: msLeer, preparar: msPreparar, red: msRed, gradcam: gc.ms },
    top: top.map((t) => ({ ...t, nombre: estado.datos.clases[t.clase] })),
    probs: Float32Array.from(probs), entrada: rgbaDeRgb(rgb, lado * lado), lado,
    conv1: { mapas, lado: [H1, W1], total: C1 }, original: d.original, reducida: d.reducida,
    usada: { ancho: d.ancho, alto: d.alto }, transparente: d.transparente,
    gradcam: { clase: top[0].clase, cam: gc.cam, forma: gc.forma, imagen: gc.imagen },
  });
}

self.onmessage = async ({ data: m }) => {
  try {
    if (m.tipo === "iniciar") {
      self.postMessage({ tipo: "listo", ...(await iniciar(m.url)) });
    } else if (m.tipo === "foto") {
      if (!estado.pesos) throw new ErrorFoto("los pesos de SqueezeNet aún no están cargados");
      await foto(m.id, m.archivo);
    } else if (m.tipo === "gradcam") {
      if (!estado.ultima) throw new ErrorFoto("aún no hay ninguna foto");
      const gc = calcularCam(m.clase);
      self.postMessage({ tipo: "gradcam", id: m.id, clase: m.clase, cam: gc.cam, forma: gc.forma,
                         imagen: gc.imagen, ms: gc.ms });
    }
  } catch (err) {
    const conocido = err instanceof ErrorFoto || err instanceof ErrorPesos;
    const texto = conocido ? err.message : `error inesperado: ${err.message}`;
    self.postMessage({ tipo: m.tipo === "iniciar" ? "error" : "rechazada", id: m.id, mensaje: texto });
  }
};
