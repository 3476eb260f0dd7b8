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

// Pinta `valores` (w×h) en `lienzo`; aIndice(v) da el índice de color (−1: transparente)
export function pintar(lienzo, valores, w, h, aIndice, lut) {
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
