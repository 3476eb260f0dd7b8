// Banco de núcleos: trabajador que decodifica y reduce la foto del lector,
// fuera del hilo principal (una foto de 50 megapíxeles tarda en decodificarse
// más de un segundo: la página sigue respondiendo mientras tanto).
// Recibe {archivo, lado}; devuelve {rgba, ancho, alto, original} o {error}.

import { tamanoReducido } from "./nucleos.js";

self.onmessage = async ({ data: { id, archivo, lado } }) => {
  let mapa = null;
  try {
    try {
      mapa = await createImageBitmap(archivo);
    } catch {
      self.postMessage({ id, error: "no se puede leer como imagen" });
      return;
    }
    const original = { ancho: mapa.width, alto: mapa.height };
    const t = tamanoReducido(mapa.width, mapa.height, lado);
    if (t.reducida) {
      const grande = mapa;
      mapa = await createImageBitmap(grande, {
        resizeWidth: t.ancho, resizeHeight: t.alto, resizeQuality: "high",
      });
      grande.close();
    }
    const lienzo = new OffscreenCanvas(t.ancho, t.alto);
    const ctx = lienzo.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(mapa, 0, 0, t.ancho, t.alto);
    const rgba = ctx.getImageData(0, 0, t.ancho, t.alto).data;
    self.postMessage({ id, rgba, ancho: t.ancho, alto: t.alto, reducida: t.reducida, original },
      [rgba.buffer]);
  } catch (e) {
    self.postMessage({ id, error: `no se pudo procesar (${e.message})` });
  } finally {
    if (mapa) mapa.close();
  }
};
