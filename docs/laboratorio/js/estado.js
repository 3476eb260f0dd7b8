// El estado compartido de la interfaz del laboratorio: la raíz de la página,
// lo que se ve ahora (`ui`) y la API de pruebas y medidas (`window.cnnLab`).
// Los demás módulos de la interfaz lo importan; este no importa ninguno.

export const raiz = document.getElementById("cnn-lab");
export const $ = (id) => document.getElementById(id);

// Los métodos en el orden en que los calcula el trabajador: primero los rápidos
export const ORDEN_CALCULO = ["saliencia", "gradcam", "guiada", "smoothgrad", "integrados", "oclusion"];
// Columnas de la rejilla de mapas de características
export const COLUMNAS = 8;

export const ui = {
  modelo: null, propio: false, siguienteId: 0,
  epoca: 0, paso: 0, lineaBase: "negra", fuente: "", pixeles: null,
  enVuelo: null, pendiente: false, actual: null, rho: {}, exactitudes: null,
  seleccion: { capa: null, indice: 0 }, fijado: { capa: null, indice: 0 }, botones: [],
  capasMapa: {}, figuras: {}, barras: [], aleatorioOk: false, epocasOk: false,
};

export const api = window.cnnLab = {
  ready: false, updates: 0, mapsDone: 0, lastProbabilities: null, lastPrediction: null,
  lastInput: null, lastMaps: {}, lastRho: {}, timings: {},
};

// «La red» o «La red de la época 3»: la red con la que se calcula ahora
export const esFinal = () => ui.modelo.epocas === null || ui.epoca === ui.modelo.epocas;
