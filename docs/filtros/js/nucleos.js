// Banco de núcleos: la cuenta, sin DOM. Lo mismo que cnnviz.filters.apply_filters
// (F.conv2d de PyTorch): correlación cruzada sin relleno ni volteo del núcleo,
// así que una imagen de H×W con un núcleo de k×k da un mapa de (H−k+1)×(W−k+1).
// Las cuentas se hacen en coma flotante doble y se guardan en Float32, como
// los tensores float32 de PyTorch (la diferencia con PyTorch es < 1e-6).

export class ErrorNucleo extends Error {}

const falla = (mensaje) => { throw new ErrorNucleo(mensaje); };

export const TAMANOS = [3, 5];
export const LADO_MAXIMO = 512;   // una foto mayor se reduce a este lado antes de filtrar

// Preajustes: los filtros de la página. Los de cnnviz.filters (laplaciano,
// Sobel) con los mismos números.
const binomial5 = [1, 4, 6, 4, 1];
export const PREAJUSTES = {
  identidad: {
    nombre: "Identidad", tamano: 3,
    valores: [0, 0, 0, 0, 1, 0, 0, 0, 0],
    nota: "Copia la imagen: solo el peso central vale 1.",
  },
  caja: {
    nombre: "Caja (media de 3×3)", tamano: 3,
    valores: Array(9).fill(1 / 9),
    nota: "Suaviza: cada píxel pasa a ser la media de sus vecinos. Paso bajo.",
  },
  gaussiano: {
    nombre: "Gaussiano de 3×3", tamano: 3,
    valores: [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16),
    nota: "Suaviza dando más peso a los vecinos cercanos. Paso bajo.",
  },
  realce: {
    nombre: "Realce (enfocar)", tamano: 3,
    valores: [0, -1, 0, -1, 5, -1, 0, -1, 0],
    nota: "La imagen más su laplaciano: los bordes se acentúan.",
  },
  sobel_x: {
    nombre: "Sobel x (bordes verticales)", tamano: 3,
    valores: [-1, 0, 1, -2, 0, 2, -1, 0, 1],
    nota: "Derivada de izquierda a derecha. Paso alto.",
  },
  sobel_y: {
    nombre: "Sobel y (bordes horizontales)", tamano: 3,
    valores: [-1, -2, -1, 0, 0, 0, 1, 2, 1],
    nota: "Derivada de arriba abajo (la traspuesta de Sobel x). Paso alto.",
  },
  laplaciano: {
    nombre: "Laplaciano", tamano: 3,
    valores: [0, -1, 0, -1, 4, -1, 0, -1, 0],
    nota: "Compara cada píxel con sus cuatro vecinos. Paso alto.",
  },
  caja5: {
    nombre: "Caja de 5×5", tamano: 5,
    valores: Array(25).fill(1 / 25),
    nota: "Media de 25 píxeles: suaviza más que la de 3×3.",
  },
  gaussiano5: {
    nombre: "Gaussiano de 5×5", tamano: 5,
    valores: binomial5.flatMap((a) => binomial5.map((b) => (a * b) / 256)),
    nota: "Suavizado gaussiano más ancho (pesos binomiales). Paso bajo.",
  },
};

// Núcleo de k×k: k² números finitos, fila a fila.
export function comprobarNucleo(valores, tamano) {
  if (!TAMANOS.includes(tamano)) falla(`el núcleo debe ser de 3×3 o 5×5; llegó ${tamano}×${tamano}`);
  if (!valores || valores.length !== tamano * tamano) {
    falla(`un núcleo de ${tamano}×${tamano} tiene ${tamano * tamano} pesos; llegaron ${valores ? valores.length : 0}`);
  }
  for (let i = 0; i < valores.length; i++) {
    if (typeof valores[i] !== "number" || !Number.isFinite(valores[i])) {
      falla(`el peso de la fila ${Math.floor(i / tamano) + 1}, columna ${(i % tamano) + 1} no es un número`);
    }
  }
  return Float64Array.from(valores);
}

// Imagen en gris de ancho×alto (valores en [0, 1]) filtrada con el núcleo.
export function filtrar(gris, ancho, alto, valores, tamano) {
  const w = comprobarNucleo(valores, tamano);
  if (!Number.isInteger(ancho) || !Number.isInteger(alto) || gris.length !== ancho * alto) {
    falla(`se esperaba una imagen de ${ancho}×${alto} = ${ancho * alto} píxeles; llegaron ${gris.length}`);
  }
  if (ancho < tamano || alto < tamano) {
    falla(`la imagen (${ancho}×${alto}) es menor que el núcleo (${tamano}×${tamano})`);
  }
  const an = ancho - tamano + 1;
  const al = alto - tamano + 1;
  const salida = new Float32Array(an * al);
  // Fila a fila: cada peso distinto de cero (Sobel y el laplaciano tienen
  // muchos ceros) suma su parte a toda la fila, en un acumulador Float64
  const pesos = [], desplazamientos = [];
  for (let i = 0; i < tamano; i++) {
    for (let j = 0; j < tamano; j++) {
      if (w[i * tamano + j] !== 0) { pesos.push(w[i * tamano + j]); desplazamientos.push(i * ancho + j); }
    }
  }
  const p = Float64Array.from(pesos);
  const d = Int32Array.from(desplazamientos);
  const fila = new Float64Array(an);
  for (let y = 0; y < al; y++) {
    fila.fill(0);
    for (let t = 0; t < p.length; t++) {
      const peso = p[t];
      const base = y * ancho + d[t];
      for (let x = 0; x < an; x++) fila[x] += peso * gris[base + x];
    }
    salida.set(fila, y * an);
  }
  return { datos: salida, ancho: an, alto: al };
}

export function rango(datos) {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < datos.length; i++) {
    const v = datos[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

export const MODOS = {
  auto: "Automático",
  recortar: "Recortar a [0, 1]",
  simetrico: "Simétrico: gris medio = 0",
  minmax: "Del mínimo al máximo",
  absoluto: "Valor absoluto",
};

const suma = (valores) => valores.reduce((a, b) => a + b, 0);

// Cómo se lleva la salida a gris (0 negro, 255 blanco): {modo, desde, hasta, abs}.
// Un valor v se dibuja con el gris 255·(f(v) − desde)/(hasta − desde), recortado
// a [0, 255], donde f(v) = |v| si abs y v si no. «auto»: si los pesos suman 0
// (paso alto), simétrico; si no, recortar a [0, 1], como la foto.
export function escalaGris(modo, r, valores) {
  if (modo === "auto") {
    modo = Math.abs(suma(valores)) < 1e-9 ? "simetrico" : "recortar";
  }
  const limite = Math.max(Math.abs(r.min), Math.abs(r.max));
  switch (modo) {
    case "recortar": return { modo, desde: 0, hasta: 1, abs: false };
    case "simetrico": return { modo, desde: -limite, hasta: limite, abs: false };
    case "minmax": return { modo, desde: r.min, hasta: r.max, abs: false };
    case "absoluto": return { modo, desde: 0, hasta: limite, abs: true };
    default: return falla(`modo de gris desconocido: «${modo}»`);
  }
}

// Píxeles RGBA (Uint8ClampedArray) de ancho×alto con la salida en gris.
export function aGris(datos, escala, rgba) {
  const { desde, hasta, abs } = escala;
  const ancho = hasta - desde;
  const factor = ancho > 0 ? 255 / ancho : 0;   // salida constante: todo negro
  for (let i = 0, p = 0; i < datos.length; i++, p += 4) {
    const v = abs ? Math.abs(datos[i]) : datos[i];
    const g = (v - desde) * factor;
    const b = g <= 0 ? 0 : g >= 255 ? 255 : g;
    rgba[p] = rgba[p + 1] = rgba[p + 2] = b;   // Uint8ClampedArray redondea
    rgba[p + 3] = 255;
  }
  return rgba;
}

// Gris de una imagen RGBA con los pesos de skimage.color.rgb2gray (los de
// cnnviz.data.sample_photo), en [0, 1]. La transparencia se compone sobre
// blanco. Devuelve también si había transparencia y si la imagen es de un tono.
export const PESOS_GRIS = [0.2125, 0.7154, 0.0721];

export function grisDeRGBA(rgba, ancho, alto) {
  if (rgba.length !== ancho * alto * 4) {
    falla(`se esperaban ${ancho * alto * 4} valores RGBA; llegaron ${rgba.length}`);
  }
  const gris = new Float32Array(ancho * alto);
  let transparentes = 0;
  let min = Infinity, max = -Infinity;
  const [wr, wg, wb] = PESOS_GRIS;
  for (let i = 0, p = 0; i < gris.length; i++, p += 4) {
    const r = rgba[p], g = rgba[p + 1], b = rgba[p + 2], a = rgba[p + 3];
    let v = (r === g && g === b) ? r / 255 : (wr * r + wg * g + wb * b) / 255;
    if (a < 255) {
      transparentes++;
      const t = a / 255;
      v = v * t + (1 - t);
    }
    gris[i] = v;
    if (gris[i] < min) min = gris[i];
    if (gris[i] > max) max = gris[i];
  }
  return { gris, transparentes, uniforme: max - min < 1 / 512, min, max };
}

// Tamaño al que se reduce una imagen para que su lado mayor no pase de `lado`.
export function tamanoReducido(ancho, alto, lado = LADO_MAXIMO) {
  if (!(ancho > 0 && alto > 0)) falla(`la imagen no tiene tamaño (${ancho}×${alto})`);
  const escala = Math.min(1, lado / Math.max(ancho, alto));
  return {
    ancho: Math.max(1, Math.round(ancho * escala)),
    alto: Math.max(1, Math.round(alto * escala)),
    reducida: escala < 1,
  };
}
