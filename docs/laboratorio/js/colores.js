// Escalas de color y pintado de mapas en un <canvas> (un píxel por valor).

function rampa(paradas) {
  const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const p = paradas.map(hex), lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (p.length - 1);
    const k = Math.min(p.length - 2, Math.floor(t)), f = t - k;
    for (let c = 0; c < 3; c++) lut[3 * i + c] = p[k][c] + f * (p[k + 1][c] - p[k][c]);
  }
  return lut;
}

// viridis (0 morado oscuro, máximo amarillo): mapas de características
export const VIRIDIS = rampa(["#440154", "#482878", "#3e4989", "#31688e", "#26828e",
                              "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"]);
// inferno (0 negro, máximo amarillo claro): mapas de atribución sin signo
export const INFERNO = rampa(["#000004", "#1b0c41", "#4a0c6b", "#781c6d", "#a52c60",
                              "#cf4446", "#ed6925", "#fb9b06", "#f7d13d", "#fcffa4"]);
// azul (negativo) - blanco (0) - rojo (positivo): pesos y mapas con signo
export const DIVERGENTE = rampa(["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7",
                                 "#fddbc7", "#ef8a62", "#b2182b"]);
export const GRISES = rampa(["#000000", "#ffffff"]);

// Índice 0–255 de la escala para v entre 0 y max
export const nivel = (v, max) => Math.max(0, Math.min(255, Math.round((v / max) * 255)));

function maximo(valores, absoluto) {
  let m = 0;
  for (let i = 0; i < valores.length; i++) m = Math.max(m, absoluto ? Math.abs(valores[i]) : valores[i]);
  return m > 0 ? m : 1;
}

// Los píxeles RGBA de un mapa (w×h) en su escala: sin signo, de 0 a su
// máximo; con signo, de −max|v| a +max|v|. Los calcula el trabajador, para que
// la página solo tenga que copiarlos en el lienzo.
export function rgbaMapa(valores, w, h, conSigno) {
  const s = maximo(valores, conSigno), lut = conSigno ? DIVERGENTE : INFERNO;
  const out = new Uint8ClampedArray(4 * w * h);
  for (let i = 0; i < w * h; i++) {
    const li = 3 * (conSigno ? nivel(valores[i] + s, 2 * s) : nivel(valores[i], s));
    out[4 * i] = lut[li]; out[4 * i + 1] = lut[li + 1]; out[4 * i + 2] = lut[li + 2]; out[4 * i + 3] = 255;
  }
  return out;
}

// Los C mapas (H×W) de una capa en una cuadrícula de `columnas`, separados por
// un píxel transparente, con viridis escalado al máximo de la capa
export function rgbaCapa(valores, [C, H, W], columnas) {
  const max = maximo(valores, false), ancho = columnas * (W + 1) - 1;
  const alto = Math.ceil(C / columnas) * (H + 1) - 1, out = new Uint8ClampedArray(4 * ancho * alto);
  for (let m = 0; m < C; m++) {
    const x0 = (m % columnas) * (W + 1), y0 = Math.floor(m / columnas) * (H + 1), base = m * H * W;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const li = 3 * nivel(valores[base + y * W + x], max), o = 4 * ((y0 + y) * ancho + x0 + x);
        out[o] = VIRIDIS[li]; out[o + 1] = VIRIDIS[li + 1]; out[o + 2] = VIRIDIS[li + 2]; out[o + 3] = 255;
      }
    }
  }
  return { rgba: out, ancho, alto, max };
}

export function rgbaGrises(valores) {
  const out = new Uint8ClampedArray(4 * valores.length);
  for (let i = 0; i < valores.length; i++) {
    const g = nivel(valores[i], 1);
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = g;
    out[4 * i + 3] = 255;
  }
  return out;
}

// Copia píxeles RGBA ya calculados en un lienzo de w×h
export function ponerImagen(lienzo, rgba, w, h) {
  if (lienzo.width !== w) lienzo.width = w;
  if (lienzo.height !== h) lienzo.height = h;
  lienzo.getContext("2d").putImageData(new ImageData(rgba, w, h), 0, 0);
}

// Pinta `valores` (w×h) en `lienzo`; aIndice(v) da el índice de color (−1: transparente).
// El lienzo solo cambia de tamaño si hace falta (cambiarlo lo vacía y cuesta).
export function pintar(lienzo, valores, w, h, aIndice, lut) {
  if (lienzo.width !== w) lienzo.width = w;
  if (lienzo.height !== h) lienzo.height = h;
  const ctx = lienzo.getContext("2d");
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const li = aIndice(valores[i]);
    if (li < 0) continue;
    img.data[4 * i] = lut[3 * li];
    img.data[4 * i + 1] = lut[3 * li + 1];
    img.data[4 * i + 2] = lut[3 * li + 2];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
