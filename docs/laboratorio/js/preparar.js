// Preparar un dibujo como MNIST: la tinta se encaja en 20×20 sin deformarla y
// se centra en 28×28 por su centro de masas. `tinta`: la intensidad (0–255) de
// cada píxel del lienzo, de `lado`×`lado`. Devuelve píxeles en [0, 1].
export function prepararDibujo(tinta, lado, salida = 28, caja = 20) {
  const raw = new Float32Array(salida * salida);
  let x0 = lado, y0 = lado, x1 = -1, y1 = -1;
  for (let y = 0; y < lado; y++) {
    for (let x = 0; x < lado; x++) {
      if (tinta[y * lado + x] > 5) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return raw;   // lienzo vacío
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const escala = caja / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * escala)), th = Math.max(1, Math.round(h * escala));
  // Cada píxel de destino promedia 8×8 muestras del rectángulo de origen que cubre
  const SUB = 8;
  const chico = new Float32Array(tw * th);
  let masa = 0, mx = 0, my = 0;
  for (let j = 0; j < th; j++) {
    for (let i = 0; i < tw; i++) {
      let s = 0;
      for (let sy = 0; sy < SUB; sy++) {
        const py = Math.min(lado - 1, Math.floor(y0 + (j + (sy + 0.5) / SUB) / escala));
        for (let sx = 0; sx < SUB; sx++) {
          const px = Math.min(lado - 1, Math.floor(x0 + (i + (sx + 0.5) / SUB) / escala));
          s += tinta[py * lado + px];
        }
      }
      const v = s / (SUB * SUB * 255);
      chico[j * tw + i] = v;
      masa += v; mx += v * i; my += v * j;
    }
  }
  if (masa <= 0) return raw;
  const ox = Math.round((salida - 1) / 2 - mx / masa);
  const oy = Math.round((salida - 1) / 2 - my / masa);
  for (let j = 0; j < th; j++) {
    const y = j + oy;
    if (y < 0 || y >= salida) continue;
    for (let i = 0; i < tw; i++) {
      const x = i + ox;
      if (x >= 0 && x < salida) raw[y * salida + x] = chico[j * tw + i];
    }
  }
  return raw;
}
